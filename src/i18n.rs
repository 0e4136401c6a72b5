//! Every string of the interface, in Swedish, English and Finnish. The content's words are the
//! data file's: its Swedish, or its own translation (`Outline::in_lang`).
//!
//! Every choice between them goes through [`Lang::pick`], which takes all three: a string
//! missing in one language does not compile.

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Sv,
    En,
    Fi,
}

impl Lang {
    /// Every language, in the order the on-screen switch steps through them.
    pub const ALL: [Lang; 3] = [Lang::Sv, Lang::Fi, Lang::En];

    /// The language's code: `sv`, `en` or `fi`.
    pub fn code(self) -> &'static str {
        self.pick("sv", "en", "fi")
    }

    /// Parses `sv`, `en` or `fi`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.to_lowercase().as_str() {
            "sv" | "swedish" | "svenska" | "ruotsi" => Some(Lang::Sv),
            "en" | "english" | "engelska" | "englanti" => Some(Lang::En),
            "fi" | "finnish" | "finska" | "suomi" => Some(Lang::Fi),
            _ => None,
        }
    }

    /// The language a locale asks for: of `LC_ALL`, `LC_MESSAGES` and `LANG`, the first that is
    /// set and not empty; its language code (before `_`, `.` or `@`) `fi` is Finnish, `en`
    /// English, anything else Swedish. `None` when none is set.
    pub fn from_locale(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Option<Lang> {
        let locale = [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty())?;
        let code = locale.split(['_', '.', '@']).next().unwrap_or_default();
        Some(match code.to_ascii_lowercase().as_str() {
            "fi" => Lang::Fi,
            "en" => Lang::En,
            _ => Lang::Sv,
        })
    }

    /// The language of this process's locale; Swedish when none is set.
    pub fn from_env() -> Lang {
        let var = |name| std::env::var(name).ok();
        Lang::from_locale(
            var("LC_ALL").as_deref(),
            var("LC_MESSAGES").as_deref(),
            var("LANG").as_deref(),
        )
        .unwrap_or_default()
    }

    /// Of a Swedish, an English and a Finnish version, the one in this language: the one way
    /// the app chooses between them, for a word, a message or a whole table.
    pub fn pick<T>(self, sv: T, en: T, fi: T) -> T {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
            Lang::Fi => fi,
        }
    }

    /// The strings of this language.
    pub fn strings(self) -> &'static Strings {
        self.pick(&SV, &EN, &FI)
    }
}

/// One key and what it does, as the hint bar and the help list it.
pub type Hint = (&'static str, &'static str);

/// Every interface string of one language.
pub struct Strings {
    pub tree_title: &'static str,
    pub detail_title: &'static str,
    /// The detail pane's title over a text shown in Swedish because the document has no
    /// translation into the interface language.
    pub detail_title_swedish: &'static str,
    /// The same, on the title line in screen-reader mode, which has no pane titles.
    pub in_swedish: &'static str,
    /// Under the title of an export in Swedish because the document has no translation.
    pub untranslated: &'static str,
    pub search_prompt: &'static str,
    /// At the right of the title line, for whoever needs the mode and cannot see the screen.
    pub screen_reader_hint: &'static str,
    pub match_one: &'static str,
    pub match_many: &'static str,
    pub no_matches: &'static str,
    pub lines_of: &'static str,
    pub copied: &'static str,
    pub carousel: &'static str,
    pub colour_on: &'static str,
    pub colour_off: &'static str,
    pub help_title: &'static str,
    pub help_close: &'static str,
    pub kiosk_help_intro: &'static str,
    /// Word for "up/down/left/right" arrows when drawn in ASCII.
    pub arrows_ascii: [&'static str; 4],
    pub hint_move: &'static str,
    pub hint_focus: &'static str,
    pub hint_search: &'static str,
    pub hint_help: &'static str,
    pub hint_quit: &'static str,
    pub hint_scroll: &'static str,
    pub hint_back: &'static str,
    pub hint_close: &'static str,
    pub hint_search_done: &'static str,
    pub hint_search_cancel: &'static str,
    pub hint_next_match: &'static str,
    pub hint_show_all: &'static str,
    /// The language key's hint: the next language's name for itself.
    pub hint_lang: &'static str,
    /// `{n}` in a key or its text is the number of goals.
    pub help_keys: &'static [Hint],
    pub kiosk_help_keys: &'static [Hint],
    /// The bottom line in the tree: read the selected row's text.
    pub hint_read: &'static str,
    /// Shown instead of the interface below the smallest size: `{w}×{h}` is the window,
    /// `{mw}×{mh}` the smallest size.
    pub too_small_size: &'static str,
    /// After `too_small_size`, where a key may end the program.
    pub too_small_quit: &'static str,
    /// Screen-reader mode, below the text while more of it follows: "↓ mer text, rad 1–8 av 15".
    pub text_more: &'static str,
    /// Screen-reader mode, below the text's last line.
    pub text_end: &'static str,
    /// The help's closing line in kiosk mode, where q is no key.
    pub kiosk_help_close: &'static str,
    /// An interface option when stdout is no terminal; `{option}` is the option.
    pub needs_terminal: &'static str,
    /// An interface option with `--print` (or `--format`, which prints).
    pub not_with_print: &'static str,
    /// An option `--check` has no use for.
    pub not_with_check: &'static str,
    /// `--check` on a file; `{file}`, `{p}` perspectives, `{g}` goals.
    pub check_valid_file: &'static str,
    /// `--check` without `--data`: the document compiled into the binary.
    pub check_valid_bundled: &'static str,
    /// `{t}` of the two above when the document has translations: their language codes.
    pub check_translations: &'static str,
    /// `malbild serve` in a build without the server.
    pub no_serve: &'static str,
}

impl Strings {
    /// "3 träffar", "1 träff", "Inga träffar".
    pub fn matches(&self, n: usize) -> String {
        match n {
            0 => self.no_matches.to_string(),
            1 => self.match_one.to_string(),
            n => self.match_many.replace("{n}", &n.to_string()),
        }
    }

    /// "Fönstret är 30×7 tecken; det behöver minst 40×8."
    pub fn too_small(&self, width: u16, height: u16, min: (u16, u16)) -> String {
        self.too_small_size
            .replace("{w}", &width.to_string())
            .replace("{h}", &height.to_string())
            .replace("{mw}", &min.0.to_string())
            .replace("{mh}", &min.1.to_string())
    }

    /// Screen-reader mode, below the text: "↓ mer text, rad 1–8 av 15" while more follows,
    /// else "Slut på texten, rad 8–15 av 15".
    pub fn text_status(&self, more: bool, first: usize, last: usize, total: usize) -> String {
        let template = if more { self.text_more } else { self.text_end };
        fill(template, first, last, total)
    }

    /// "rad 3–20 av 31".
    pub fn lines_of(&self, first: usize, last: usize, total: usize) -> String {
        fill(self.lines_of, first, last, total)
    }
}

/// `template` with `{a}`, `{b}` and `{n}` filled in.
fn fill(template: &str, first: usize, last: usize, total: usize) -> String {
    template
        .replace("{a}", &first.to_string())
        .replace("{b}", &last.to_string())
        .replace("{n}", &total.to_string())
}

/// Swedish, the default.
pub static SV: Strings = Strings {
    tree_title: "Mål",
    detail_title: "Text",
    detail_title_swedish: "Text",
    in_swedish: "på svenska",
    untranslated: "Dokumentet är på svenska.",
    search_prompt: "Sök: ",
    screen_reader_hint: "Skärmläsare: --screen-reader",
    match_one: "1 träff",
    match_many: "{n} träffar",
    no_matches: "Inga träffar",
    lines_of: "rad {a}–{b} av {n}",
    copied: "Skickat till terminalen",
    carousel: "Tryck på en tangent eller klicka för att börja läsa",
    colour_on: "Färg på",
    colour_off: "Färg av",
    help_title: "Hjälp",
    help_close: "Esc, q eller ? stänger hjälpen",
    kiosk_help_intro: "Här kan du läsa kommunens vision och mål. Välj en rad i listan så visas dess text.",
    arrows_ascii: ["Upp", "Ned", "Vänster", "Höger"],
    hint_move: "välj",
    hint_focus: "byt ruta",
    hint_search: "sök",
    hint_help: "hjälp",
    hint_quit: "avsluta",
    hint_scroll: "bläddra",
    hint_back: "tillbaka",
    hint_close: "stäng",
    hint_search_done: "klar",
    hint_search_cancel: "avbryt",
    hint_next_match: "nästa/förra träff",
    hint_show_all: "visa alla",
    hint_lang: "Suomeksi",
    help_keys: &[
        ("↑ ↓  k j", "välj rad, eller bläddra i texten"),
        ("← h", "gå upp en nivå i trädet"),
        ("→ l", "gå ned en nivå i trädet, och fäll ut raden"),
        ("Enter Mellanslag", "läs den valda radens text"),
        ("Home g  End G", "första och sista raden"),
        ("PgUp PgDn", "en sida upp eller ned"),
        ("Tab Shift-Tab", "byt mellan trädet och texten"),
        ("/", "sök; Enter klar, Esc avbryt"),
        ("n N", "nästa och förra träff"),
        ("1–{n}  0", "gå till mål 1–{n}; 0 till visionen"),
        ("y", "kopiera vald text"),
        ("c", "färg på/av"),
        ("s", "byt språk: svenska, suomi, English"),
        ("? F1", "visa eller stäng hjälpen"),
        ("Esc", "stäng det som är öppet: hjälpen, sökningen, texten"),
        ("q Ctrl-C", "avsluta (i hjälpen stänger q den)"),
        ("Mus", "klicka för att välja, hjul för att bläddra"),
    ],
    kiosk_help_keys: &[
        ("↑ ↓", "flytta mellan raderna, eller bläddra i texten"),
        ("← →", "gå upp eller ned en nivå i listan"),
        ("Enter", "öppna och läs texten"),
        ("Esc", "tillbaka till listan; stänger hjälpen och sökningen"),
        ("Tab", "hoppa mellan listan och texten"),
        ("/", "sök efter ett ord; Enter klar, Esc avbryt"),
        ("1–{n}  0", "gå till mål 1–{n}; 0 till visionen"),
        ("s", "byt språk: svenska, suomi, English"),
        ("?", "visa eller stäng hjälpen"),
        ("Mus", "klicka för att välja, hjul för att bläddra"),
    ],
    hint_read: "läs",
    too_small_size: "Fönstret är {w}×{h} tecken; det behöver vara minst {mw}×{mh}.",
    too_small_quit: "Tryck q för att avsluta.",
    text_more: "↓ mer text, rad {a}–{b} av {n}",
    text_end: "Slut på texten, rad {a}–{b} av {n}",
    kiosk_help_close: "Esc eller ? stänger hjälpen",
    needs_terminal: "{option} behöver en terminal, och stdout är ingen; texten skrivs med --print",
    not_with_print: "{option} gäller gränssnittet och går inte att använda med --print eller --format",
    not_with_check: "{option} går inte att använda med --check",
    check_valid_file: "{file}: giltig ({p} perspektiv, {g} mål{t})",
    check_valid_bundled: "Det inbyggda dokumentet är giltigt ({p} perspektiv, {g} mål{t}); en fil kontrolleras med --check --data FIL",
    check_translations: "; översättningar: {codes}",
    no_serve: "det här bygget har ingen SSH-server; bygg ett med: cargo build --profile serve --features serve",
};

/// English.
pub static EN: Strings = Strings {
    tree_title: "Goals",
    detail_title: "Text",
    detail_title_swedish: "Text (in Swedish)",
    in_swedish: "in Swedish",
    untranslated: "This document has no English translation; its text is in Swedish.",
    search_prompt: "Search: ",
    screen_reader_hint: "Screen reader: --screen-reader",
    match_one: "1 match",
    match_many: "{n} matches",
    no_matches: "No matches",
    lines_of: "lines {a}–{b} of {n}",
    copied: "Sent to the terminal",
    carousel: "Press a key or click to start reading",
    colour_on: "Colour on",
    colour_off: "Colour off",
    help_title: "Help",
    help_close: "Esc, q or ? closes the help",
    kiosk_help_intro: "Here you can read the municipality's vision and goals. Choose a row in the list and its text is shown.",
    arrows_ascii: ["Up", "Down", "Left", "Right"],
    hint_move: "select",
    hint_focus: "switch pane",
    hint_search: "search",
    hint_help: "help",
    hint_quit: "quit",
    hint_scroll: "scroll",
    hint_back: "back",
    hint_close: "close",
    hint_search_done: "done",
    hint_search_cancel: "cancel",
    hint_next_match: "next/previous match",
    hint_show_all: "show all",
    hint_lang: "På svenska",
    help_keys: &[
        ("↑ ↓  k j", "select a row, or scroll the text"),
        ("← h", "go up a level in the tree"),
        ("→ l", "go down a level in the tree, unfolding the row"),
        ("Enter Space", "read the selected row's text"),
        ("Home g  End G", "first and last row"),
        ("PgUp PgDn", "a page up or down"),
        ("Tab Shift-Tab", "switch between the tree and the text"),
        ("/", "search; Enter done, Esc cancel"),
        ("n N", "next and previous match"),
        ("1–{n}  0", "go to goal 1–{n}; 0 to the vision"),
        ("y", "copy the selected text"),
        ("c", "colour on/off"),
        ("s", "change the language: svenska, suomi, English"),
        ("? F1", "show or close this help"),
        ("Esc", "close what is open: the help, the search, the text"),
        ("q Ctrl-C", "quit (in the help, q closes it)"),
        ("Mouse", "click to select, wheel to scroll"),
    ],
    kiosk_help_keys: &[
        ("↑ ↓", "move between rows, or scroll the text"),
        ("← →", "go up or down a level in the list"),
        ("Enter", "open and read the text"),
        ("Esc", "back to the list; closes the help and the search"),
        ("Tab", "jump between the list and the text"),
        ("/", "search for a word; Enter done, Esc cancel"),
        ("1–{n}  0", "go to goal 1–{n}; 0 to the vision"),
        ("s", "change the language: svenska, suomi, English"),
        ("?", "show or close the help"),
        ("Mouse", "click to select, wheel to scroll"),
    ],
    hint_read: "read",
    too_small_size: "The window is {w}×{h}; it needs to be at least {mw}×{mh}.",
    too_small_quit: "Press q to quit.",
    text_more: "↓ more text, lines {a}–{b} of {n}",
    text_end: "End of the text, lines {a}–{b} of {n}",
    kiosk_help_close: "Esc or ? closes the help",
    needs_terminal: "{option} needs a terminal, and stdout is not one; --print writes the text",
    not_with_print: "{option} is for the interface and cannot be used with --print or --format",
    not_with_check: "{option} cannot be used with --check",
    check_valid_file: "{file}: valid ({p} perspectives, {g} goals{t})",
    check_valid_bundled: "The bundled document is valid ({p} perspectives, {g} goals{t}); check a file with --check --data FILE",
    check_translations: "; translations: {codes}",
    no_serve: "this build has no SSH server; build one with: cargo build --profile serve --features serve",
};

/// Finnish, for the Finnish administrative area. Values are never put where Finnish would
/// inflect them: a number stands before a partitive ("3 osumaa") or after a noun in the
/// nominative ("näkökulmia 3").
pub static FI: Strings = Strings {
    tree_title: "Tavoitteet",
    detail_title: "Teksti",
    detail_title_swedish: "Teksti (ruotsiksi)",
    in_swedish: "ruotsiksi",
    untranslated: "Asiakirjaa ei ole käännetty suomeksi; teksti on ruotsiksi.",
    search_prompt: "Haku: ",
    screen_reader_hint: "Ruudunlukija: --screen-reader",
    match_one: "1 osuma",
    match_many: "{n} osumaa",
    no_matches: "Ei osumia",
    lines_of: "rivit {a}–{b}/{n}",
    copied: "Lähetetty päätteeseen",
    carousel: "Aloita lukeminen: paina näppäintä tai napsauta",
    colour_on: "Värit päällä",
    colour_off: "Värit pois",
    help_title: "Ohje",
    help_close: "Esc, q tai ? sulkee ohjeen",
    kiosk_help_intro: "Tässä voit lukea kunnan vision ja tavoitteet. Valitse listasta rivi, niin sen teksti tulee näkyviin.",
    arrows_ascii: ["Ylös", "Alas", "Vasen", "Oikea"],
    hint_move: "valitse",
    hint_focus: "vaihda ruutua",
    hint_search: "hae",
    hint_help: "ohje",
    hint_quit: "lopeta",
    hint_scroll: "selaa",
    hint_back: "takaisin",
    hint_close: "sulje",
    hint_search_done: "valmis",
    hint_search_cancel: "peruuta",
    hint_next_match: "selaa osumia",
    hint_show_all: "näytä kaikki",
    hint_lang: "In English",
    help_keys: &[
        ("↑ ↓  k j", "valitse rivi tai selaa tekstiä"),
        ("← h", "siirry puussa tasoa ylemmäs"),
        ("→ l", "siirry puussa tasoa alemmas ja laajenna rivi"),
        ("Enter Välilyönti", "lue valitun rivin teksti"),
        ("Home g  End G", "ensimmäinen ja viimeinen rivi"),
        ("PgUp PgDn", "sivu ylös tai alas"),
        ("Tab Shift-Tab", "vaihda puun ja tekstin välillä"),
        ("/", "hae; Enter valmis, Esc peruuta"),
        ("n N", "seuraava ja edellinen osuma"),
        ("1–{n}  0", "siirry tavoitteeseen 1–{n}; 0 visioon"),
        ("y", "kopioi valittu teksti"),
        ("c", "värit päälle/pois"),
        ("s", "vaihda kieli: svenska, suomi, English"),
        ("? F1", "näytä tai sulje ohje"),
        ("Esc", "sulje se, mikä on auki: ohje, haku, teksti"),
        ("q Ctrl-C", "lopeta (ohjeessa q sulkee ohjeen)"),
        ("Hiiri", "valitse napsauttamalla, selaa rullalla"),
    ],
    kiosk_help_keys: &[
        ("↑ ↓", "siirry riviltä toiselle tai selaa tekstiä"),
        ("← →", "siirry listassa tasoa ylemmäs tai alemmas"),
        ("Enter", "avaa ja lue teksti"),
        ("Esc", "takaisin listaan; sulkee ohjeen ja haun"),
        ("Tab", "siirry listan ja tekstin välillä"),
        ("/", "hae sanaa; Enter valmis, Esc peruuta"),
        ("1–{n}  0", "siirry tavoitteeseen 1–{n}; 0 visioon"),
        ("s", "vaihda kieli: svenska, suomi, English"),
        ("?", "näytä tai sulje ohje"),
        ("Hiiri", "valitse napsauttamalla, selaa rullalla"),
    ],
    hint_read: "lue",
    too_small_size: "Ikkuna on {w}×{h} merkkiä; sen pitää olla vähintään {mw}×{mh}.",
    too_small_quit: "Lopeta painamalla q.",
    text_more: "↓ teksti jatkuu, rivit {a}–{b}/{n}",
    text_end: "Tekstin loppu, rivit {a}–{b}/{n}",
    kiosk_help_close: "Esc tai ? sulkee ohjeen",
    needs_terminal: "{option} tarvitsee päätteen, eikä stdout ole pääte; tekstin voi tulostaa valitsimella --print",
    not_with_print: "{option} koskee käyttöliittymää, eikä sitä voi käyttää yhdessä valitsimen --print tai --format kanssa",
    not_with_check: "{option} ei toimi yhdessä valitsimen --check kanssa",
    check_valid_file: "{file}: kelvollinen (näkökulmia {p}, tavoitteita {g}{t})",
    check_valid_bundled: "Sisäänrakennettu asiakirja on kelvollinen (näkökulmia {p}, tavoitteita {g}{t}); tiedoston voi tarkistaa valitsimilla --check --data TIEDOSTO",
    check_translations: "; käännökset: {codes}",
    no_serve: "tässä käännöksessä ei ole SSH-palvelinta; palvelimen sisältävän käännöksen voi tehdä komennolla: cargo build --profile serve --features serve",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_a_name_on_the_command_line() {
        for lang in Lang::ALL {
            let code = lang.pick("sv", "en", "fi");
            assert_eq!(Lang::parse(code), Some(lang));
        }
        assert_eq!(Lang::parse("FI"), Some(Lang::Fi));
        assert_eq!(Lang::parse("suomi"), Some(Lang::Fi));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn the_locale_chooses_the_language() {
        let from = Lang::from_locale;
        assert_eq!(from(None, None, None), None);
        assert_eq!(from(Some(""), Some(""), Some("")), None);
        assert_eq!(from(None, None, Some("fi_FI.UTF-8")), Some(Lang::Fi));
        assert_eq!(from(None, None, Some("fi")), Some(Lang::Fi));
        assert_eq!(from(None, None, Some("en_GB.UTF-8")), Some(Lang::En));
        assert_eq!(from(None, None, Some("sv_SE.UTF-8")), Some(Lang::Sv));
        assert_eq!(from(None, None, Some("C.UTF-8")), Some(Lang::Sv));
        assert_eq!(from(None, None, Some("POSIX")), Some(Lang::Sv));
        // Filipino is not Finnish, though its code begins with "fi".
        assert_eq!(from(None, None, Some("fil_PH.UTF-8")), Some(Lang::Sv));
        assert_eq!(from(None, None, Some("FI_fi@euro")), Some(Lang::Fi));
        // LC_ALL, then LC_MESSAGES, then LANG: the first set and not empty.
        let (fi, en, sv) = (
            Some("fi_FI.UTF-8"),
            Some("en_US.UTF-8"),
            Some("sv_SE.UTF-8"),
        );
        assert_eq!(from(fi, en, sv), Some(Lang::Fi));
        assert_eq!(from(None, en, fi), Some(Lang::En));
        assert_eq!(from(Some(""), en, fi), Some(Lang::En));
        assert_eq!(from(Some(""), Some(""), fi), Some(Lang::Fi));
        assert_eq!(from(Some("C"), en, fi), Some(Lang::Sv));
    }

    #[test]
    fn finnish_counts_with_the_partitive_after_a_number() {
        let s = Lang::Fi.strings();
        assert_eq!(s.matches(0), "Ei osumia");
        assert_eq!(s.matches(1), "1 osuma");
        assert_eq!(s.matches(3), "3 osumaa");
        assert_eq!(s.lines_of(3, 20, 31), "rivit 3–20/31");
        assert_eq!(
            s.too_small(30, 7, (40, 8)),
            "Ikkuna on 30×7 merkkiä; sen pitää olla vähintään 40×8."
        );
    }

    /// The help lists the same keys in the same order in every language; only the words for
    /// Space and the mouse differ.
    #[test]
    fn every_help_lists_the_same_keys() {
        let neutral = |k: &str| {
            k.replace("Mellanslag", "Space")
                .replace("Välilyönti", "Space")
                .replace("Mus", "Mouse")
                .replace("Hiiri", "Mouse")
        };
        let keys = |table: &[Hint]| table.iter().map(|(k, _)| neutral(k)).collect::<Vec<_>>();
        for lang in Lang::ALL {
            let s = lang.strings();
            assert_eq!(keys(s.help_keys), keys(EN.help_keys), "{lang:?}");
            assert_eq!(
                keys(s.kiosk_help_keys),
                keys(EN.kiosk_help_keys),
                "{lang:?}"
            );
        }
    }
}
