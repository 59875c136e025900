"""Thin views: parse the request, call one selector or service, render."""
