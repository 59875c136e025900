"""English phrase bank. Placeholders: {customer} {agent} {agent2} {order} {product} {days} {amount} {date} {seconds}."""
# ruff: noqa: E501 - sentences read better whole than wrapped

BANK: dict[str, object] = {
    "customers": ["Ms Walker", "Mr Hughes", "Ms Patel", "Mr O'Brien", "Ms Novak", "Mr Jensen", "Ms Okafor"],
    "products": [
        "the coffee machine",
        "the running shoes",
        "the robot vacuum",
        "the hiking backpack",
        "the cookware set",
        "the bluetooth headphones",
        "the desk lamp",
        "the electric scooter",
    ],
    "subject": {
        "product_info": "Question about {product}",
        "account_access": "Can't log in to my account",
        "order_change": "Change to order {order}",
        "payment_issue": "Payment problem with order {order}",
        "cancellation": "Cancel order {order}",
        "delivery_delay": "Order {order} still not delivered",
        "refund_request": "Refund for order {order}",
        "replacement_request": "Faulty item, replacement please",
        "warranty": "Warranty for {product}",
        "complaint": "Complaint",
        "feedback": "A suggestion for your website",
    },
    "customer_hello": ["Hello,", "Hi,", "Good morning,", "Hi there,", ""],
    "problem": {
        "product_info": [
            "does {product} work with UK plugs, and does the warranty cover Europe?",
            "before I order {product}, what are the exact dimensions and does it come in black?",
            "is {product} suitable for professional use? I can't find it on the product page.",
        ],
        "account_access": [
            "I can't log in any more; it says my password is wrong but I have just changed it.",
            "I asked three times for a password reset and the e-mail never arrives.",
            "my account is locked and I can't see my orders.",
        ],
        "order_change": [
            "I just placed order {order} but got the delivery address wrong, can you fix it?",
            "in order {order} I chose size 10 but I need size 11, can you change it?",
            "can I add an item to order {order} so I don't pay shipping twice?",
        ],
        "payment_issue": [
            "you charged me twice for order {order}, I can see two payments of {amount} €.",
            "the PayPal payment for order {order} was declined but the money has gone.",
            "my card was charged but order {order} still says awaiting payment.",
        ],
        "cancellation": [
            "I'd like to cancel order {order}, I found it cheaper elsewhere.",
            "I ordered {product} twice by mistake, can you cancel order {order}?",
            "I don't need order {order} any more, how do I cancel it?",
        ],
        "delivery_delay": [
            "order {order} was due {days} days ago and the tracking hasn't moved for a week.",
            "I'm still waiting for {product}; the courier says delivered but nothing came.",
            "I have been waiting {days} days for order {order}, it was meant to be a present.",
        ],
        "refund_request": [
            "I sent back {product} two weeks ago and still haven't had my refund of {amount} €.",
            "I would like a refund for order {order}, the item is not as described.",
            "my return for order {order} reached you on {date}, when will I be refunded?",
        ],
        "replacement_request": [
            "{product} arrived broken, the box was crushed. I'd like a replacement.",
            "{product} hasn't turned on since day one, can you send me another one?",
            "I received the wrong colour in order {order}, I'd like the one I ordered.",
        ],
        "warranty": [
            "{product} I bought eight months ago has stopped working, is it still under warranty?",
            "{product} has been making a strange noise for a few weeks, how does the warranty work?",
            "{product} broke after a year, I'd like it repaired under warranty.",
        ],
        "complaint": [
            "this is the third time I've written about order {order} and nobody answers. I'm very disappointed.",
            "your courier left the parcel in the rain and {product} is ruined. Unacceptable.",
            "one of your colleagues hung up on me on the phone. I want to make a formal complaint.",
        ],
        "feedback": [
            "just to let you know the size filter doesn't work well on mobile.",
            "it would help to choose a delivery time slot, I work all day.",
            "well done on the fast delivery last time, but the packaging was excessive.",
        ],
    },
    "html": [
        "<b>URGENT</b> ",
        "<script>alert(1)</script> ",
        "<i>still</i> nothing! ",
        "<a href='http://x.example'>see here</a> ",
    ],
    "agent_hello": [
        "Hello {customer}, this is {agent} from customer service.",
        "Hi {customer}, my name is {agent}, thanks for getting in touch.",
        "Good afternoon {customer}, {agent} here, how can I help?",
    ],
    "agent_hello_phone": [
        "Customer service, good morning, {agent} speaking. Who am I talking to?",
        "Hello, this is {agent} from customer service, how can I help you today?",
    ],
    "empathy": [
        "I'm really sorry about the trouble, I understand how frustrating this is.",
        "I completely understand, I'd be worried too in your place.",
        "You were right to contact us, and I apologise for the inconvenience.",
    ],
    "identity": [
        "To get started, could you confirm the order number and the e-mail on the account?",
        "First I need to verify a few details: your full name and the delivery postcode, please?",
    ],
    "customer_identity": [
        "Sure, the order is {order}, same e-mail as the account.",
        "Yes, order {order}, postcode SW1A 1AA.",
        "Here: {order}. Please be quick though.",
    ],
    "handling": {
        "SOP-INF-01": [
            "I checked the product sheet: {product} has a two-year warranty and also comes in black.",
            "According to the product sheet, {product} measures 32 x 25 cm and is made for home use, not professional use.",
        ],
        "SOP-ACC-01": [
            "I've just sent you a new reset link, valid for 30 minutes; please check your spam folder too.",
            "I've unlocked the account in the admin tool and sent you a link to choose a new password.",
        ],
        "SOP-ORD-01": [
            "Order {order} hasn't shipped yet, so I've made the change in the order tool.",
            "Done for order {order}: you'll get an e-mail with the updated summary shortly.",
        ],
        "SOP-PAY-01": [
            "I checked the payment console: the second charge is a pre-authorisation and will be released within 5 working days.",
            "The payment went through, so I've released order {order}, which is now being prepared.",
        ],
        "SOP-CAN-01": [
            "Order {order} hasn't left yet; I've cancelled it and the refund of {amount} € will arrive within 5 working days.",
            "The order has already shipped so I can't cancel it, but you can refuse the parcel and the refund will be automatic.",
        ],
        "SOP-DEL-01": [
            "I checked with the carrier: the parcel is held at their depot and will be delivered by Thursday.",
            "Tracking says delivered, so I've opened an investigation with the carrier; if it isn't found within 10 days we'll refund you in full.",
        ],
        "SOP-REF-01": [
            "Your return arrived on {date}, within the 30-day window: I've issued the refund of {amount} €, you'll see it in 3-5 working days.",
            "The return hasn't reached the warehouse yet; as soon as it's scanned in, the refund goes out automatically.",
        ],
        "SOP-RPL-01": [
            "Could you send me two photos of the fault? It's in stock, so I'm creating the replacement order now and e-mailing you a return label.",
            "I've created a free replacement order and e-mailed you a prepaid label to send the faulty one back.",
        ],
        "SOP-WAR-01": [
            "You bought it less than two years ago, so it's under warranty: I've opened a case with the brand and they'll arrange collection.",
            "Can you describe when the fault happens? I'll add it to the warranty case I'm opening with the manufacturer.",
        ],
        "SOP-CMP-01": [
            "I've logged your complaint and passed it to the team manager; as an apology I've added a 10 € voucher to your account.",
            "Thanks for the feedback, I've logged it and passed it to the right team: that's how we improve.",
        ],
    },
    "jargon": [
        "I've raised an L2 ticket on the WMS, back-office SLA is 48 business hours for the RMA.",
        "The PSP did a partial chargeback, we'll reconcile once the case goes to CLOSED status.",
    ],
    "over_promise": [
        "Don't worry, I'll refund you in full right now even though the return is out of time, leave it with me.",
        "I'll refund everything now, even without the return, it's quicker.",
    ],
    "blaming": [
        "Look, if you had read the terms of sale we wouldn't be here.",
        "The problem is you entered the wrong address, that's not our fault.",
    ],
    "rude": [
        "I've already explained this, I'm not going to repeat it forever.",
        "Well, if you don't like it you can always shop somewhere else.",
    ],
    "customer_followup": [
        "And how long will that take exactly?",
        "So do I need to do anything?",
        "OK, but will I get that in writing?",
    ],
    "customer_upset": [
        "That's no way to talk to a customer.",
        "Unbelievable. I won't be ordering from you again.",
    ],
    "next_steps": [
        "You'll get a confirmation e-mail today; if nothing has changed by Friday, reply quoting case {order}.",
        "You don't need to do anything: you'll get a text when the courier is on the way, usually within 48 hours.",
    ],
    "vague_next_steps": [
        "We'll see what can be done and maybe get back to you.",
        "It should sort itself out, sooner or later.",
    ],
    "customer_thanks": ["Perfect, thanks a lot!", "OK, thank you.", "Great, thanks for your help."],
    "closing": [
        "Is there anything else I can do for you? Thanks for contacting us and have a nice day!",
        "Thank you {customer}, I'm here if you need anything else. Have a good evening!",
    ],
    "transfer_note": [
        "Transferring to {agent2}: needs a check by their team.",
        "Passing this to {agent2}, I don't have access to the returns tool.",
    ],
    "transfer_hello": [
        "Hello, I'm {agent}, my colleague has passed your request to me.",
        "Hi, {agent} here, I'll be looking after your case from now on.",
    ],
    "bot_hello": ["Hi! I'm the virtual assistant. Tell me in a few words how I can help."],
    "bot_try": ['I found this article that might help: "Returns and refunds". Did it answer your question?'],
    "customer_human": ["No, I want to talk to a person.", "That's not what I asked. Agent please."],
    "bot_handover": ["I'm connecting you with an agent, please wait a moment."],
    "customer_bot_ok": ["Yes thanks, sorted.", "OK, found the answer."],
    "bot_bye": ["Glad I could help! Have a nice day."],
    "abandoned": ["Call abandoned by the customer after {seconds} s in the queue."],
}
