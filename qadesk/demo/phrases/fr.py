"""French phrase bank. Placeholders: {customer} {agent} {agent2} {order} {product} {days} {amount} {date} {seconds}."""
# ruff: noqa: E501 - sentences read better whole than wrapped

BANK: dict[str, object] = {
    "customers": ["Mme Garnier", "M. Fabre", "Mme Chevalier", "M. Lambert", "Mme Mercier", "M. Rousseau", "Mme Faure"],
    "products": [
        "la machine à café",
        "les chaussures de running",
        "l'aspirateur robot",
        "le sac à dos de randonnée",
        "la batterie de casseroles",
        "le casque bluetooth",
        "la lampe de bureau",
        "la trottinette électrique",
    ],
    "subject": {
        "product_info": "Renseignements sur {product}",
        "account_access": "Impossible de me connecter à mon compte",
        "order_change": "Modification de la commande {order}",
        "payment_issue": "Problème de paiement sur la commande {order}",
        "cancellation": "Annulation de la commande {order}",
        "delivery_delay": "Commande {order} toujours pas reçue",
        "refund_request": "Demande de remboursement commande {order}",
        "replacement_request": "Produit défectueux, demande d'échange",
        "warranty": "Garantie pour {product}",
        "complaint": "Réclamation",
        "feedback": "Une suggestion pour votre site",
    },
    "customer_hello": ["Bonjour,", "Bonsoir,", "Madame, Monsieur,", "Salut,", ""],
    "problem": {
        "product_info": [
            "je voudrais savoir si {product} est compatible avec les prises belges et s'il a une garantie européenne.",
            "avant de commander {product}, pouvez-vous me donner les dimensions exactes ? Existe-t-il en noir ?",
            "est-ce que {product} convient à un usage professionnel ? Ce n'est pas indiqué sur le site.",
        ],
        "account_access": [
            "je n'arrive plus à me connecter, on me dit que le mot de passe est faux alors que je viens de le changer.",
            "j'ai demandé trois fois à réinitialiser mon mot de passe mais je ne reçois jamais l'e-mail.",
            "mon compte est bloqué et je ne vois plus mes commandes.",
        ],
        "order_change": [
            "je viens de passer la commande {order} mais je me suis trompé d'adresse de livraison, peut-on la corriger ?",
            "dans la commande {order} j'ai pris une taille 38 au lieu d'une 39, pouvez-vous la changer ?",
            "puis-je ajouter un article à la commande {order} pour ne pas payer deux fois les frais de port ?",
        ],
        "payment_issue": [
            "vous m'avez débité deux fois la commande {order}, je vois deux prélèvements de {amount} €.",
            "le paiement PayPal de la commande {order} est refusé mais l'argent a bien été prélevé.",
            "ma carte a été débitée mais la commande {order} est toujours en attente de paiement.",
        ],
        "cancellation": [
            "je souhaite annuler la commande {order}, je l'ai trouvée moins chère ailleurs.",
            "j'ai commandé {product} deux fois par erreur, pouvez-vous annuler la commande {order} ?",
            "je n'ai plus besoin de la commande {order}, comment l'annuler ?",
        ],
        "delivery_delay": [
            "la commande {order} devait arriver il y a {days} jours et le suivi ne bouge plus depuis une semaine.",
            "j'attends toujours {product}, le transporteur indique livré mais je n'ai rien reçu.",
            "cela fait {days} jours que j'attends la commande {order}, c'était pour un cadeau.",
        ],
        "refund_request": [
            "j'ai renvoyé {product} il y a deux semaines et je n'ai toujours pas été remboursé de {amount} €.",
            "je voudrais le remboursement de la commande {order}, le produit ne correspond pas à la description.",
            "mon retour de la commande {order} vous a été livré le {date}, quand serai-je remboursé ?",
        ],
        "replacement_request": [
            "{product} est arrivé cassé, le carton était écrasé. Je voudrais un échange.",
            "{product} ne s'allume pas depuis le premier jour, pouvez-vous m'en envoyer un autre ?",
            "dans la commande {order} j'ai reçu la mauvaise couleur, je voudrais celle que j'avais choisie.",
        ],
        "warranty": [
            "{product} acheté il y a huit mois ne fonctionne plus, est-il encore sous garantie ?",
            "{product} fait un bruit bizarre depuis quelques semaines, comment marche la garantie ?",
            "{product} est tombé en panne après un an, je voudrais le faire réparer sous garantie.",
        ],
        "complaint": [
            "c'est la troisième fois que je vous écris pour la commande {order} et personne ne répond. Je suis très déçu.",
            "votre livreur a laissé le colis sous la pluie et {product} est abîmé. C'est inadmissible.",
            "au téléphone un de vos collègues m'a raccroché au nez. Je veux faire une réclamation officielle.",
        ],
        "feedback": [
            "je voulais vous signaler que le filtre par taille ne marche pas bien sur mobile.",
            "ce serait pratique de pouvoir choisir un créneau de livraison, je travaille toute la journée.",
            "bravo pour la rapidité de la dernière livraison, mais l'emballage était excessif.",
        ],
    },
    "html": ["<b>URGENT</b> ", "<script>alert(1)</script> ", "<i>toujours</i> rien ! ", "<img src=x onerror=alert(1)> "],
    "agent_hello": [
        "Bonjour {customer}, je suis {agent} du service client.",
        "Bonjour {customer}, {agent} à votre service, merci de nous avoir contactés.",
        "Bonsoir {customer}, je m'appelle {agent}, que puis-je faire pour vous ?",
    ],
    "agent_hello_phone": [
        "Service client bonjour, {agent} à l'appareil. À qui ai-je l'honneur ?",
        "Bonjour, {agent} du service client, en quoi puis-je vous aider ?",
    ],
    "empathy": [
        "Je suis vraiment désolé pour ce désagrément, je comprends votre frustration.",
        "Je comprends tout à fait, à votre place je serais inquiet aussi.",
        "Vous avez bien fait de nous écrire, toutes mes excuses pour ce contretemps.",
    ],
    "identity": [
        "Pour commencer, pouvez-vous me confirmer le numéro de commande et l'e-mail du compte ?",
        "Je dois d'abord vérifier votre identité : nom, prénom et code postal de livraison, s'il vous plaît ?",
    ],
    "customer_identity": [
        "Bien sûr, la commande est la {order}, avec l'e-mail de mon compte.",
        "Oui, commande {order}, code postal 69003.",
        "Voilà : {order}. Mais faites vite s'il vous plaît.",
    ],
    "handling": {
        "SOP-INF-01": [
            "J'ai vérifié la fiche technique : {product} a une garantie de 2 ans et existe aussi en noir.",
            "D'après la fiche produit, {product} mesure 32 x 25 cm et il est prévu pour un usage domestique, pas professionnel.",
        ],
        "SOP-ACC-01": [
            "Je viens de vous envoyer un nouveau lien de réinitialisation, valable 30 minutes ; pensez à regarder dans les spams.",
            "J'ai débloqué le compte depuis l'outil de gestion et vous ai envoyé le lien pour choisir un nouveau mot de passe.",
        ],
        "SOP-ORD-01": [
            "La commande {order} n'est pas encore expédiée, j'ai donc enregistré la modification dans l'outil de commande.",
            "C'est fait pour la commande {order} : vous allez recevoir l'e-mail avec le récapitulatif à jour.",
        ],
        "SOP-PAY-01": [
            "J'ai vérifié sur la console de paiement : le second débit est une pré-autorisation, elle sera levée sous 5 jours ouvrés.",
            "Le paiement est bien encaissé, j'ai débloqué la commande {order} qui est maintenant en préparation.",
        ],
        "SOP-CAN-01": [
            "La commande {order} n'est pas encore partie, je l'ai annulée et le remboursement de {amount} € arrivera sous 5 jours ouvrés.",
            "La commande est déjà expédiée, je ne peux plus l'annuler, mais vous pouvez refuser le colis et le remboursement sera automatique.",
        ],
        "SOP-DEL-01": [
            "J'ai vérifié auprès du transporteur : le colis est bloqué au dépôt de Saint-Priest et sera livré d'ici jeudi.",
            "Le suivi indique livré, j'ouvre donc une enquête auprès du transporteur ; si rien n'est retrouvé sous 10 jours, nous vous remboursons.",
        ],
        "SOP-REF-01": [
            "Le retour a été reçu le {date}, dans le délai de 30 jours : je viens d'émettre le remboursement de {amount} €, visible sous 3 à 5 jours ouvrés.",
            "Le retour n'est pas encore arrivé à l'entrepôt ; dès qu'il sera enregistré, le remboursement partira automatiquement.",
        ],
        "SOP-RPL-01": [
            "Pouvez-vous m'envoyer deux photos du défaut ? J'ai vérifié le stock : je crée tout de suite la commande d'échange et vous envoie l'étiquette retour.",
            "J'ai créé la commande d'échange gratuite et vous ai envoyé par e-mail l'étiquette prépayée pour renvoyer l'article défectueux.",
        ],
        "SOP-WAR-01": [
            "L'achat date de moins de deux ans, il est donc sous garantie : j'ai ouvert le dossier auprès de la marque, qui vous contactera pour l'enlèvement.",
            "Pouvez-vous me décrire quand la panne survient ? Je l'ajoute au dossier de garantie que j'ouvre auprès du fabricant.",
        ],
        "SOP-CMP-01": [
            "J'ai enregistré votre réclamation et l'ai transmise au responsable ; en geste commercial, je vous ai crédité un bon de 10 €.",
            "Merci pour votre retour, je l'ai enregistré et transmis à l'équipe concernée : c'est ainsi que nous progressons.",
        ],
    },
    "jargon": [
        "J'ai ouvert un ticket N2 sur le WMS, le SLA du back-office est de 48 h ouvrées pour le RMA.",
        "Le PSP a fait un chargeback partiel, on réconcilie dès que le dossier passe en statut CLOSED.",
    ],
    "over_promise": [
        "Ne vous inquiétez pas, je vous rembourse tout de suite en totalité même si le retour est hors délai, je m'en occupe.",
        "Je vous rembourse tout maintenant, même sans le retour, ça ira plus vite.",
    ],
    "blaming": [
        "Écoutez, si vous aviez lu les conditions de vente, on n'en serait pas là.",
        "Le problème, c'est que vous avez saisi une mauvaise adresse, ce n'est pas de notre faute.",
    ],
    "rude": [
        "Je vous l'ai déjà expliqué, je ne vais pas le répéter indéfiniment.",
        "Écoutez, si ça ne vous convient pas, vous pouvez acheter ailleurs.",
    ],
    "customer_followup": [
        "Et combien de temps cela va prendre exactement ?",
        "Donc je dois faire quelque chose de mon côté ?",
        "D'accord, mais j'aurai une confirmation écrite ?",
    ],
    "customer_upset": [
        "Ce n'est pas une façon de parler à un client.",
        "Incroyable. Je ne commanderai plus chez vous.",
    ],
    "next_steps": [
        "Vous recevrez un e-mail de confirmation aujourd'hui ; sans nouvelles d'ici vendredi, répondez-nous en citant le dossier {order}.",
        "Vous n'avez rien à faire : un SMS vous préviendra du passage du livreur, en général sous 48 heures.",
    ],
    "vague_next_steps": [
        "On va voir ce qu'on peut faire, on vous recontactera éventuellement.",
        "Ça devrait s'arranger, tôt ou tard.",
    ],
    "customer_thanks": ["Parfait, merci beaucoup !", "D'accord, merci.", "Très bien, merci pour votre aide."],
    "closing": [
        "Puis-je faire autre chose pour vous ? Merci de nous avoir contactés et bonne journée !",
        "Merci à vous {customer}, je reste à votre disposition. Bonne soirée !",
    ],
    "transfer_note": [
        "Je transfère à {agent2} : vérification à faire par son équipe.",
        "Je passe le dossier à {agent2}, je n'ai pas accès à l'outil des retours.",
    ],
    "transfer_hello": [
        "Bonjour, je suis {agent}, mon collègue m'a transmis votre demande.",
        "Bonjour, {agent} ici, je prends la suite de votre dossier.",
    ],
    "bot_hello": ["Bonjour ! Je suis l'assistant virtuel. Dites-moi en quelques mots comment je peux vous aider."],
    "bot_try": [
        "J'ai trouvé cet article qui pourrait vous aider : « Retours et remboursements ». Cela répond-il à votre question ?"
    ],
    "customer_human": ["Non, je veux parler à un conseiller.", "Ce n'est pas ma question. Un conseiller s'il vous plaît."],
    "bot_handover": ["Je vous mets en relation avec un conseiller, merci de patienter quelques instants."],
    "customer_bot_ok": ["Oui merci, c'est réglé.", "Ok, j'ai trouvé la réponse."],
    "bot_bye": ["Ravi d'avoir pu vous aider ! Bonne journée."],
    "abandoned": ["Appel abandonné par le client après {seconds} s d'attente."],
}
