//! What the server says to visitors.

use crate::i18n::Lang;

/// What the server says to visitors, in the interface language.
#[derive(Debug)]
pub(crate) struct Messages {
    pub busy: &'static str,
    pub per_ip: &'static str,
    pub no_pty: &'static str,
    pub exec: &'static str,
    pub idle: &'static str,
    pub max_session: &'static str,
    pub shutdown: &'static str,
}

const MESSAGES_SV: Messages = Messages {
    busy: "Servern är upptagen. Försök igen om en stund.",
    per_ip: "Servern är upptagen: för många samtidiga sessioner från din adress.",
    no_pty: "malbild behöver en terminal: anslut med ssh -t, utan kommando.",
    exec: "Här finns inga kommandon: anslut med ssh utan kommando.",
    idle: "Sessionen avslutades efter en stund utan inmatning. Välkommen tillbaka!",
    max_session: "Sessionen nådde sin längsta tid och avslutades. Välkommen tillbaka!",
    shutdown: "Servern stängs. Hej då!",
};

const MESSAGES_EN: Messages = Messages {
    busy: "The server is busy. Please try again in a while.",
    per_ip: "The server is busy: too many sessions from your address at once.",
    no_pty: "malbild needs a terminal: connect with ssh -t, and no command.",
    exec: "There are no commands here: connect with ssh and no command.",
    idle: "The session ended after a while without input. Welcome back!",
    max_session: "The session reached its time limit and ended. Welcome back!",
    shutdown: "The server is shutting down. Goodbye!",
};

const MESSAGES_FI: Messages = Messages {
    busy: "Palvelin on varattu. Yritä hetken kuluttua uudelleen.",
    per_ip: "Palvelin on varattu: osoitteestasi on liian monta istuntoa yhtä aikaa.",
    no_pty: "malbild tarvitsee päätteen: yhdistä komennolla ssh -t, ilman komentoa.",
    exec: "Täällä ei ole komentoja: yhdistä ssh:lla ilman komentoa.",
    idle: "Istunto päättyi, koska mitään ei painettu hetkeen. Tervetuloa uudelleen!",
    max_session: "Istunto saavutti enimmäiskestonsa ja päättyi. Tervetuloa uudelleen!",
    shutdown: "Palvelin sulkeutuu. Näkemiin!",
};

pub(crate) fn messages(lang: Lang) -> &'static Messages {
    lang.pick(&MESSAGES_SV, &MESSAGES_EN, &MESSAGES_FI)
}
