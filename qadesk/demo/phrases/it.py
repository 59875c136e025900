"""Italian phrase bank. Placeholders: {customer} {agent} {agent2} {order} {product} {days} {amount} {date} {seconds}."""
# ruff: noqa: E501 - sentences read better whole than wrapped

BANK: dict[str, object] = {
    "customers": ["Sig.ra Ferri", "Sig. Galli", "Sig.ra Villa", "Sig. Leone", "Sig.ra Sala", "Sig. Pellegrini", "Sig.ra Caruso"],
    "products": [
        "la macchina da caffè",
        "le scarpe da corsa",
        "il robot aspirapolvere",
        "lo zaino da trekking",
        "il set di pentole",
        "le cuffie bluetooth",
        "la lampada da scrivania",
        "il monopattino elettrico",
    ],
    "subject": {
        "product_info": "Informazioni su {product}",
        "account_access": "Non riesco ad accedere al mio account",
        "order_change": "Modifica ordine {order}",
        "payment_issue": "Problema con il pagamento dell'ordine {order}",
        "cancellation": "Annullamento ordine {order}",
        "delivery_delay": "Ordine {order} non ancora arrivato",
        "refund_request": "Richiesta di rimborso ordine {order}",
        "replacement_request": "Prodotto difettoso, chiedo la sostituzione",
        "warranty": "Garanzia per {product}",
        "complaint": "Reclamo",
        "feedback": "Un suggerimento per il vostro sito",
    },
    "customer_hello": ["Buongiorno,", "Salve,", "Buonasera,", "Ciao,", ""],
    "problem": {
        "product_info": [
            "vorrei sapere se {product} è compatibile con le prese svizzere e se ha la garanzia italiana.",
            "prima di ordinare {product} volevo capire quali sono le dimensioni esatte e se è disponibile in nero.",
            "{product} è indicato anche per uso professionale? Sul sito non lo trovo scritto.",
        ],
        "account_access": [
            "non riesco più ad entrare nel mio account, dice che la password è sbagliata ma l'ho appena cambiata.",
            "ho provato tre volte a reimpostare la password ma l'email con il link non arriva.",
            "il mio account risulta bloccato e non posso vedere i miei ordini.",
        ],
        "order_change": [
            "ho appena fatto l'ordine {order} ma ho sbagliato l'indirizzo di consegna, si può correggere?",
            "nell'ordine {order} vorrei cambiare la taglia, ho preso una 42 ma mi serve una 43.",
            "posso aggiungere un articolo all'ordine {order} per non pagare due volte la spedizione?",
        ],
        "payment_issue": [
            "mi avete addebitato due volte l'ordine {order}, vedo due movimenti da {amount} € sulla carta.",
            "il pagamento con PayPal dell'ordine {order} risulta rifiutato ma i soldi sono stati presi.",
            "la carta è stata addebitata ma l'ordine {order} risulta ancora in attesa di pagamento.",
        ],
        "cancellation": [
            "vorrei annullare l'ordine {order}, l'ho trovato altrove a meno.",
            "ho ordinato per sbaglio {product} due volte, potete annullare l'ordine {order}?",
            "non mi serve più l'ordine {order}, come faccio ad annullarlo?",
        ],
        "delivery_delay": [
            "l'ordine {order} doveva arrivare {days} giorni fa e il tracking è fermo da una settimana.",
            "aspetto ancora {product}, il corriere dice consegnato ma a casa non c'è niente.",
            "sono {days} giorni che aspetto l'ordine {order}, mi serviva per un regalo.",
        ],
        "refund_request": [
            "ho restituito {product} due settimane fa e non ho ancora ricevuto il rimborso di {amount} €.",
            "vorrei il rimborso dell'ordine {order}, il prodotto non corrisponde alla descrizione.",
            "il reso dell'ordine {order} è stato consegnato da voi il {date}, quando arriva il rimborso?",
        ],
        "replacement_request": [
            "{product} è arrivato rotto, la scatola era schiacciata. Vorrei la sostituzione.",
            "{product} non si accende fin dal primo giorno, potete mandarmene un altro?",
            "nell'ordine {order} mi è arrivato il colore sbagliato, vorrei quello che avevo ordinato.",
        ],
        "warranty": [
            "{product} comprato otto mesi fa ha smesso di funzionare, è ancora in garanzia?",
            "{product} fa un rumore strano da qualche settimana, come funziona la garanzia?",
            "mi si è rotto {product} dopo un anno, vorrei farlo riparare in garanzia.",
        ],
        "complaint": [
            "è la terza volta che vi scrivo per l'ordine {order} e nessuno mi risponde. Sono molto deluso.",
            "il vostro corriere ha lasciato il pacco sotto la pioggia e {product} è rovinato. Inaccettabile.",
            "al telefono un vostro collega mi ha chiuso la chiamata in faccia. Voglio fare un reclamo formale.",
        ],
        "feedback": [
            "volevo segnalarvi che il filtro per taglia sul sito non funziona bene da mobile.",
            "sarebbe utile poter scegliere la fascia oraria di consegna, lavoro tutto il giorno.",
            "complimenti per la velocità dell'ultima consegna, però l'imballo era eccessivo.",
        ],
    },
    "html": [
        "<b>URGENTE</b> ",
        "<script>alert(1)</script> ",
        "<i>ancora</i> niente! ",
        "<a href='http://x.example'>vedi qui</a> ",
    ],
    "agent_hello": [
        "Buongiorno {customer}, sono {agent} del servizio clienti.",
        "Salve {customer}, mi chiamo {agent}, grazie per averci contattato.",
        "Buonasera {customer}, sono {agent}, come posso aiutarla?",
    ],
    "agent_hello_phone": [
        "Servizio clienti, buongiorno, sono {agent}. Con chi parlo?",
        "Buongiorno, sono {agent} del servizio clienti, in cosa posso esserle utile?",
    ],
    "empathy": [
        "Mi dispiace molto per il disagio, capisco quanto sia frustrante.",
        "Capisco perfettamente, al suo posto sarei preoccupato anch'io.",
        "Ha ragione a scriverci, mi scuso per l'inconveniente.",
    ],
    "identity": [
        "Per procedere mi conferma il numero d'ordine e l'email dell'account?",
        "Prima di tutto devo verificare i suoi dati: mi indica nome, cognome e codice postale di consegna?",
    ],
    "customer_identity": [
        "Certo, l'ordine è {order}, l'email è quella con cui ho acquistato.",
        "Sì, ordine {order}, CAP 20135.",
        "Ecco: {order}. Ma fate presto per favore.",
    ],
    "handling": {
        "SOP-INF-01": [
            "Ho controllato la scheda tecnica: {product} ha garanzia italiana di 2 anni ed è disponibile anche in nero.",
            "Dalla scheda prodotto risulta che {product} misura 32 x 25 cm ed è adatto all'uso domestico, non professionale.",
        ],
        "SOP-ACC-01": [
            "Le ho appena inviato un nuovo link di reimpostazione, valido 30 minuti; controlli anche nella cartella spam.",
            "Ho sbloccato l'account dal pannello di gestione e le ho inviato il link per scegliere una nuova password.",
        ],
        "SOP-ORD-01": [
            "L'ordine {order} non è ancora stato spedito, quindi ho aggiornato la modifica nel sistema ordini.",
            "Ho fatto la modifica sull'ordine {order}: riceverà a breve l'email con il riepilogo aggiornato.",
        ],
        "SOP-PAY-01": [
            "Ho verificato sul portale dei pagamenti: il secondo addebito è una preautorizzazione e verrà sbloccato entro 5 giorni lavorativi.",
            "Il pagamento risulta incassato correttamente, ho sbloccato l'ordine {order} che ora è in preparazione.",
        ],
        "SOP-CAN-01": [
            "L'ordine {order} non è ancora partito, l'ho annullato e il rimborso di {amount} € arriverà entro 5 giorni lavorativi.",
            "L'ordine è già stato spedito, quindi non posso annullarlo, ma alla consegna può rifiutare il pacco e il rimborso partirà in automatico.",
        ],
        "SOP-DEL-01": [
            "Ho controllato con il corriere: il pacco è fermo al deposito di Piacenza e verrà consegnato entro giovedì.",
            "Il tracking risulta consegnato, per cui ho aperto una verifica con il corriere; se entro 10 giorni non si trova le rimborsiamo tutto.",
        ],
        "SOP-REF-01": [
            "Il reso è stato ricevuto il {date} ed è nei 30 giorni previsti: ho emesso ora il rimborso di {amount} €, lo vedrà in 3-5 giorni lavorativi.",
            "Il reso non risulta ancora arrivato al magazzino; appena viene registrato il rimborso parte in automatico.",
        ],
        "SOP-RPL-01": [
            "Mi può mandare due foto del difetto? Intanto ho verificato: il prodotto è disponibile, creo subito l'ordine di sostituzione e le invio l'etichetta per il reso.",
            "Ho creato l'ordine di sostituzione gratuito e le ho mandato per email l'etichetta prepagata per restituire quello difettoso.",
        ],
        "SOP-WAR-01": [
            "L'acquisto risale a meno di due anni fa, quindi è in garanzia: ho aperto la pratica con il produttore, la contatteranno per il ritiro.",
            "Mi descrive quando si presenta il guasto? Lo inserisco nella pratica di garanzia che sto aprendo con la casa madre.",
        ],
        "SOP-CMP-01": [
            "Ho registrato il suo reclamo e l'ho inoltrato al responsabile; come gesto di scuse le ho applicato un buono di 10 €.",
            "Grazie della segnalazione, l'ho registrata e passata al team competente: è così che miglioriamo.",
        ],
    },
    "jargon": [
        "Ho aperto un ticket L2 sul WMS, lo SLA del backoffice è 48h lavorative per la RMA.",
        "Il PSP ha fatto un chargeback parziale, appena la pratica passa in stato CLOSED la riconciliamo.",
    ],
    "over_promise": [
        "Non si preoccupi, le faccio subito il rimborso completo anche se il reso è fuori termine, ci penso io.",
        "Le rimborso tutto adesso, anche senza il reso, così facciamo prima.",
    ],
    "blaming": [
        "Guardi, se avesse letto le condizioni di vendita non saremmo qui.",
        "Il problema è che lei ha inserito l'indirizzo sbagliato, non è colpa nostra.",
    ],
    "rude": [
        "Gliel'ho già spiegato, non posso ripeterlo all'infinito.",
        "Senta, se non le va bene può sempre comprare da un'altra parte.",
    ],
    "customer_followup": [
        "E quanto tempo ci vorrà esattamente?",
        "Quindi devo fare qualcosa io?",
        "Ok, ma riceverò una conferma scritta?",
    ],
    "customer_upset": [
        "Non mi sembra il modo di rispondere a un cliente.",
        "Incredibile. Non comprerò più da voi.",
    ],
    "next_steps": [
        "Riceverà un'email di conferma entro oggi; se entro venerdì non vede novità ci riscriva citando la pratica {order}.",
        "Non deve fare nulla: le arriverà un SMS quando il corriere passa, di solito entro 48 ore.",
    ],
    "vague_next_steps": [
        "Vedremo cosa si può fare, in caso la ricontattiamo.",
        "Dovrebbe sistemarsi, prima o poi.",
    ],
    "customer_thanks": ["Perfetto, grazie mille!", "Va bene, grazie.", "Ok grazie, gentilissimo."],
    "closing": [
        "C'è altro che posso fare per lei? Grazie per averci contattato e buona giornata!",
        "Grazie a lei {customer}, resto a disposizione. Buona serata!",
    ],
    "transfer_note": [
        "Trasferisco a {agent2}: serve verifica di competenza del suo team.",
        "Passo il caso a {agent2}, io non ho accesso allo strumento resi.",
    ],
    "transfer_hello": [
        "Buongiorno, sono {agent}, il collega mi ha passato la sua richiesta.",
        "Salve, sono {agent} e seguo io la sua pratica da qui in avanti.",
    ],
    "bot_hello": ["Ciao! Sono l'assistente virtuale. Scrivi in poche parole come posso aiutarti."],
    "bot_try": ["Ho trovato questo articolo che potrebbe aiutarti: «Come funzionano resi e rimborsi». Ti è stato utile?"],
    "customer_human": ["No, voglio parlare con un operatore.", "Non è quello che chiedevo. Operatore per favore."],
    "bot_handover": ["Ti metto in contatto con un operatore, attendi qualche istante."],
    "customer_bot_ok": ["Sì, grazie, ho risolto.", "Ok, ho trovato la risposta."],
    "bot_bye": ["Felice di esserti stato utile! Buona giornata."],
    "abandoned": ["Chiamata abbandonata dal cliente dopo {seconds} s in coda."],
}
