//! The command line: options read with [`crate::args`] and checked here, so messages follow the
//! interface language and every mistake is exit status 2 before the terminal is touched.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::args::Args;
use crate::export::Format;
use crate::i18n::Lang;
use crate::keymap::KeySpec;

/// `--color`: whether to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// On unless NO_COLOR is set and non-empty.
    #[default]
    Auto,
    Always,
    Never,
}

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The interface (or the printed text when stdout is not a terminal).
    #[default]
    Interface,
    Print,
    Check,
    Help,
    Version,
}

/// Every option, parsed.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub mode: Mode,
    pub goal: Option<String>,
    pub kiosk: bool,
    pub admin_exit: Option<KeySpec>,
    pub idle_reset: Option<Duration>,
    pub carousel: Option<Duration>,
    pub mouse: bool,
    pub color: ColorChoice,
    pub ascii: bool,
    pub screen_reader: bool,
    pub lang: Lang,
    pub format: Format,
    pub data: Option<PathBuf>,
}

/// A command-line mistake, to be shown with exit status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

/// Parses the arguments after the program name; without `--lang` the interface speaks
/// `locale`'s language (see [`Lang::from_locale`]).
pub fn parse(
    args: impl IntoIterator<Item = OsString>,
    locale: Lang,
) -> Result<Options, (UsageError, Lang)> {
    let mut args = Args::new(args);
    let lang = args.lang().unwrap_or(locale);
    parse_args(&mut args, lang).map_err(|e| (e, lang))
}

fn parse_args(args: &mut Args, lang: Lang) -> Result<Options, UsageError> {
    let err = |sv: String, en: String, fi: String| UsageError(lang.pick(sv, en, fi));
    let mut o = Options {
        mouse: true,
        lang,
        ..Options::default()
    };
    let mut idle_reset_set = false;
    // Which of the modes were asked for, and whether a format was named.
    let (mut print, mut check, mut format) = (false, false, false);
    while let Some(name) = args.next_arg() {
        let mut value = |what: &str| -> Result<String, UsageError> {
            args.value().ok_or_else(|| {
                err(
                    format!("{name} behöver ett värde ({what})"),
                    format!("{name} needs a value ({what})"),
                    format!("{name} tarvitsee arvon ({what})"),
                )
            })
        };
        match name.as_str() {
            "-h" | "--help" => o.mode = Mode::Help,
            "-V" | "--version" => o.mode = Mode::Version,
            "--print" | "-p" => print = true,
            "--check" => check = true,
            "--kiosk" => o.kiosk = true,
            "--no-mouse" => o.mouse = false,
            "--ascii" => o.ascii = true,
            "--screen-reader" => o.screen_reader = true,
            "--goal" => o.goal = Some(value("ID")?),
            "--data" => o.data = Some(PathBuf::from(value(lang.pick("FIL", "FILE", "TIEDOSTO"))?)),
            "--lang" => {
                let v = value("sv|en|fi")?;
                if Lang::parse(&v).is_none() {
                    return Err(err(
                        format!("okänt språk \"{v}\": välj sv, en eller fi"),
                        format!("unknown language \"{v}\": choose sv, en or fi"),
                        format!("tuntematon kieli \"{v}\": valitse sv, en tai fi"),
                    ));
                }
            }
            "--format" => {
                format = true;
                let v = value("text|markdown")?;
                o.format = Format::parse(&v).ok_or_else(|| {
                    err(
                        format!("okänt format \"{v}\": välj text eller markdown"),
                        format!("unknown format \"{v}\": choose text or markdown"),
                        format!("tuntematon muoto \"{v}\": valitse text tai markdown"),
                    )
                })?;
            }
            "--color" | "--colour" => {
                let v = value("auto|always|never")?;
                o.color = match v.as_str() {
                    "auto" => ColorChoice::Auto,
                    "always" | "on" => ColorChoice::Always,
                    "never" | "off" => ColorChoice::Never,
                    _ => {
                        return Err(err(
                            format!("okänt val för {name}: \"{v}\" (auto, always eller never)"),
                            format!("unknown choice for {name}: \"{v}\" (auto, always or never)"),
                            format!("{name}: tuntematon arvo \"{v}\" (auto, always tai never)"),
                        ));
                    }
                };
            }
            "--admin-exit" => {
                let v = value(lang.pick("TANGENT", "KEY", "NÄPPÄIN"))?;
                o.admin_exit = Some(KeySpec::parse(&v).ok_or_else(|| {
                    err(
                        format!("\"{v}\" är ingen tangent som --admin-exit förstår (t.ex. F12, ctrl-alt-q)"),
                        format!("\"{v}\" is not a key --admin-exit understands (e.g. F12, ctrl-alt-q)"),
                        format!("--admin-exit ei tunne näppäintä \"{v}\" (esim. F12, ctrl-alt-q)"),
                    )
                })?);
            }
            "--idle-reset" | "--carousel" => {
                let v = value(lang.pick("SEK", "SECS", "SEK"))?;
                let secs: u64 = v
                    .parse()
                    .ok()
                    .filter(|&s| s > 0 && s <= 86_400)
                    .ok_or_else(|| {
                        err(
                            format!("{name} vill ha sekunder, 1 till 86400, inte \"{v}\""),
                            format!("{name} takes seconds, 1 to 86400, not \"{v}\""),
                            format!("{name}: anna sekuntimäärä väliltä 1–86400, ei \"{v}\""),
                        )
                    })?;
                let d = Duration::from_secs(secs);
                if name == "--idle-reset" {
                    o.idle_reset = Some(d);
                    idle_reset_set = true;
                } else {
                    o.carousel = Some(d);
                }
            }
            other => {
                return Err(err(
                    format!("okänt argument \"{other}\""),
                    format!("unknown argument \"{other}\""),
                    format!("tuntematon argumentti \"{other}\""),
                ));
            }
        }
    }
    if o.mode == Mode::Interface {
        o.mode = modes(&o, print, check, format, lang)?;
    }
    if o.kiosk && !idle_reset_set {
        o.idle_reset = Some(Duration::from_secs(120));
    }
    if o.carousel.is_some() && !o.kiosk {
        return Err(err(
            "--carousel fungerar bara med --kiosk".into(),
            "--carousel works only with --kiosk".into(),
            "--carousel toimii vain yhdessä valitsimen --kiosk kanssa".into(),
        ));
    }
    if o.admin_exit.is_some() && !o.kiosk {
        return Err(err(
            "--admin-exit fungerar bara med --kiosk".into(),
            "--admin-exit works only with --kiosk".into(),
            "--admin-exit toimii vain yhdessä valitsimen --kiosk kanssa".into(),
        ));
    }
    Ok(o)
}

/// The mode `--print`, `--check` and `--format` ask for, or why they cannot go together or with
/// the other options: `--format` prints (a format is only ever for the printed text), `--check`
/// takes no option but `--data`, `--lang` and `--ascii`, and the interface's options refuse a
/// mode without one.
fn modes(
    o: &Options,
    print: bool,
    check: bool,
    format: bool,
    lang: Lang,
) -> Result<Mode, UsageError> {
    let strings = lang.strings();
    let refuse = |message: &str, option: &str| UsageError(message.replace("{option}", option));
    if check {
        let other = [
            (print, "--print"),
            (format, "--format"),
            (o.goal.is_some(), "--goal"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
        .or_else(|| o.interface_option());
        return match other {
            Some(name) => Err(refuse(strings.not_with_check, name)),
            None => Ok(Mode::Check),
        };
    }
    if print || format {
        return match o.interface_option() {
            Some(name) => Err(refuse(strings.not_with_print, name)),
            None => Ok(Mode::Print),
        };
    }
    Ok(Mode::Interface)
}

impl Options {
    /// The first option given that only the interface uses, as the command line names it.
    pub fn interface_option(&self) -> Option<&'static str> {
        [
            (self.kiosk, "--kiosk"),
            (self.admin_exit.is_some(), "--admin-exit"),
            (self.idle_reset.is_some(), "--idle-reset"),
            (self.carousel.is_some(), "--carousel"),
            (!self.mouse, "--no-mouse"),
            (self.color != ColorChoice::Auto, "--color"),
            (self.screen_reader, "--screen-reader"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
    }
}

/// The `--help` text.
pub fn help(lang: Lang) -> &'static str {
    lang.pick(HELP_SV, HELP_EN, HELP_FI)
}

const HELP_SV: &str = "\
malbild – Smedjebackens kommuns vision och mål i terminalen

Användning: malbild [ALTERNATIV]
           malbild serve [ALTERNATIV]   (SSH-server; se malbild serve --help)

Med skärmläsare eller punktskriftsdisplay: malbild --screen-reader

  --goal ID            börja på ett mål, ett perspektiv eller visionen
  --print, -p          skriv dokumentet till stdout och avsluta; med --goal
                       bara den delen (ett perspektiv med sina mål)
  --format FORMAT      text (standard) eller markdown; skriver ut, som --print
  --data FIL           läs innehållet från FIL i stället för det inbyggda
  --check              kontrollera innehållet och avsluta (0 giltigt, 2 fel)
  --kiosk              kioskläge: ingen tangent avslutar
  --admin-exit TANGENT tangenten som avslutar kioskläget (t.ex. F12, ctrl-alt-q)
  --idle-reset SEK     tillbaka till start efter SEK sekunder utan inmatning
                       (standard 120 i kioskläge, annars av)
  --carousel SEK       i kioskläge: visa raderna i tur och ordning efter
                       återställning
  --no-mouse           ingen mus
  --color VAL          auto (standard, följer NO_COLOR), always eller never
  --ascii              bara ASCII, i gränssnittet och innehållet (å blir a)
                       och i allt som skrivs ut
  --screen-reader      en ruta i taget utan ramar, markören syns där valet är
  --lang SPRÅK         sv, en eller fi (standard: efter LC_ALL/LC_MESSAGES/LANG,
                       annars sv)
  -h, --help           visa den här hjälpen
  -V, --version        visa versionen

När stdout inte är en terminal skrivs texten ut, som med --print. Alternativ
som bara gäller gränssnittet (--kiosk, --color, ...) avvisas då, som med
--print och --check.
";

const HELP_EN: &str = "\
malbild – Smedjebacken municipality's vision and goals in the terminal

Usage: malbild [OPTIONS]
       malbild serve [OPTIONS]   (SSH server; see malbild serve --help)

With a screen reader or a braille display: malbild --screen-reader

  --goal ID            start on a goal, a perspective or the vision
  --print, -p          write the document to stdout and exit; with --goal only
                       that part (a perspective with its goals)
  --format FORMAT      text (default) or markdown; prints, as --print does
  --data FILE          read the content from FILE instead of the bundled one
  --check              check the content and exit (0 valid, 2 errors)
  --kiosk              kiosk mode: no key quits
  --admin-exit KEY     the key that leaves kiosk mode (e.g. F12, ctrl-alt-q)
  --idle-reset SECS    back to the start after SECS seconds without input
                       (default 120 in kiosk mode, otherwise off)
  --carousel SECS      in kiosk mode: step through the rows after a reset
  --no-mouse           no mouse
  --color WHEN         auto (default, follows NO_COLOR), always or never
  --ascii              ASCII only, in the interface and the content
                       (å becomes a)
                       and in everything written
  --screen-reader      one pane at a time, no borders, the cursor shown on the
                       selection
  --lang LANG          sv, en or fi (default: from LC_ALL/LC_MESSAGES/LANG,
                       else sv)
  -h, --help           show this help
  -V, --version        show the version

When stdout is not a terminal the text is printed, as with --print. Options
that only the interface uses (--kiosk, --color, ...) are then refused, as with
--print and --check.
";

const HELP_FI: &str = "\
malbild – Smedjebackenin kunnan visio ja tavoitteet päätteessä

Käyttö: malbild [VALITSIMET]
        malbild serve [VALITSIMET]   (SSH-palvelin; katso malbild serve --help)

Ruudunlukijan tai pistenäytön kanssa: malbild --screen-reader

  --goal ID            aloita tavoitteesta, näkökulmasta tai visiosta
  --print, -p          kirjoita asiakirja stdoutiin ja lopeta; valitsimen --goal
                       kanssa vain se osa (näkökulma tavoitteineen)
  --format MUOTO       text (oletus) tai markdown; tulostaa kuten --print
  --data TIEDOSTO      lue sisältö tiedostosta TIEDOSTO sisäänrakennetun sijaan
  --check              tarkista sisältö ja lopeta (0 kelvollinen, 2 virheitä)
  --kiosk              kioskitila: mikään näppäin ei lopeta
  --admin-exit NÄPPÄIN kioskitilan lopetusnäppäin (esim. F12, ctrl-alt-q)
  --idle-reset SEK     takaisin alkuun, kun mitään ei ole painettu SEK sekuntiin
                       (oletus 120 kioskitilassa, muuten pois)
  --carousel SEK       kioskitilassa: näytä rivit vuorotellen
                       palautuksen jälkeen
  --no-mouse           ei hiirtä
  --color MILLOIN      auto (oletus; noudattaa NO_COLOR-muuttujaa), always
                       tai never
  --ascii              vain ASCII-merkkejä käyttöliittymässä, sisällössä
                       (å:sta tulee a) ja kaikessa tulostetussa
  --screen-reader      yksi ruutu kerrallaan ilman kehyksiä; kohdistin
                       valinnan kohdalla
  --lang KIELI         sv, en tai fi (oletus: LC_ALL/LC_MESSAGES/LANG,
                       muuten sv)
  -h, --help           näytä tämä ohje
  -V, --version        näytä versio

Kun stdout ei ole pääte, teksti tulostetaan kuten valitsimella --print.
Valitsimet, jotka koskevat vain käyttöliittymää (--kiosk, --color, ...),
hylätään silloin, kuten valitsimien --print ja --check kanssa.
";

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(args: &[&str]) -> Result<Options, UsageError> {
        parse(args.iter().map(OsString::from), Lang::Sv).map_err(|(e, _)| e)
    }

    #[test]
    fn defaults() {
        let o = parse_args(&[]).unwrap();
        assert_eq!(o.mode, Mode::Interface);
        assert!(o.mouse && !o.kiosk);
        assert_eq!(o.idle_reset, None);
    }

    #[test]
    fn kiosk_resets_after_two_minutes_by_default() {
        let o = parse_args(&["--kiosk"]).unwrap();
        assert_eq!(o.idle_reset, Some(Duration::from_secs(120)));
        let o = parse_args(&["--kiosk", "--idle-reset=5", "--carousel", "3"]).unwrap();
        assert_eq!(o.idle_reset, Some(Duration::from_secs(5)));
        assert_eq!(o.carousel, Some(Duration::from_secs(3)));
    }

    #[test]
    fn admin_exit_key_names() {
        for good in ["F12", "ctrl-alt-q", "ctrl+q"] {
            assert!(
                parse_args(&["--kiosk", "--admin-exit", good]).is_ok(),
                "{good}"
            );
        }
        for bad in ["F99", "banana", "q", ""] {
            assert!(
                parse_args(&["--kiosk", "--admin-exit", bad]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn mistakes_are_errors() {
        assert!(parse_args(&["--bogus"]).is_err());
        assert!(parse_args(&["--goal"]).is_err());
        assert!(parse_args(&["--idle-reset", "soon"]).is_err());
        assert!(parse_args(&["--color", "pink"]).is_err());
        assert!(parse_args(&["--carousel", "5"]).is_err());
        assert!(parse_args(&["--format", "pdf"]).is_err());
    }

    #[test]
    fn values_are_taken_as_written() {
        let o = parse_args(&["--goal", "--print", "--data=a=b.ron"]).unwrap();
        assert_eq!(o.goal.as_deref(), Some("--print"));
        assert_eq!(o.mode, Mode::Interface);
        assert_eq!(o.data, Some(PathBuf::from("a=b.ron")));
        assert_eq!(parse_args(&["--print=yes"]).unwrap().mode, Mode::Print);
        for word in ["-pV", "--", "-", "print", "-p=1"] {
            let e = parse_args(&["--lang=en", word]).unwrap_err();
            assert_eq!(e.0, format!("unknown argument \"{word}\""));
        }
        let e = parse_args(&["--lang", "en", "--idle-reset"]).unwrap_err();
        assert_eq!(e.0, "--idle-reset needs a value (SECS)");
        let e = parse_args(&["--carousel=0", "--kiosk"]).unwrap_err();
        assert_eq!(e.0, "--carousel vill ha sekunder, 1 till 86400, inte \"0\"");
    }

    #[test]
    fn modes_and_the_options_they_refuse() {
        let mode = |args: &[&str]| parse_args(args).map(|o| o.mode);
        assert_eq!(mode(&["--print", "--goal", "bra-ekonomi"]), Ok(Mode::Print));
        assert_eq!(mode(&["--format", "markdown"]), Ok(Mode::Print));
        assert_eq!(
            mode(&["--check", "--data", "x.ron", "--ascii"]),
            Ok(Mode::Check)
        );
        assert_eq!(
            mode(&["--print", "--ascii", "--lang", "en"]),
            Ok(Mode::Print)
        );
        assert_eq!(mode(&["--help", "--print", "--check"]), Ok(Mode::Help));
        let refused = |args: &[&str]| parse_args(args).unwrap_err().0;
        assert_eq!(
            refused(&["--lang", "en", "--print", "--check"]),
            "--print cannot be used with --check"
        );
        assert_eq!(
            refused(&["--lang", "en", "--check", "--goal", "vision"]),
            "--goal cannot be used with --check"
        );
        assert_eq!(
            refused(&["--check", "--format", "md"]),
            "--format går inte att använda med --check"
        );
        for option in [
            &["--kiosk"][..],
            &["--no-mouse"],
            &["--color", "never"],
            &["--screen-reader"],
            &["--idle-reset", "5"],
        ] {
            let mut args = vec!["--lang", "en", "--print"];
            args.extend(option);
            assert_eq!(
                refused(&args),
                format!(
                    "{} is for the interface and cannot be used with --print or --format",
                    option[0]
                )
            );
            let mut args = vec!["--format", "text"];
            args.extend(option);
            assert!(refused(&args).starts_with(option[0]));
            let mut args = vec!["--check"];
            args.extend(option);
            assert!(refused(&args).starts_with(option[0]));
            let mut args = vec![];
            args.extend(option);
            assert_eq!(
                parse_args(&args).unwrap().interface_option(),
                Some(option[0])
            );
        }
        assert_eq!(
            parse_args(&["--lang", "en", "--ascii"])
                .unwrap()
                .interface_option(),
            None
        );
    }

    #[test]
    fn errors_follow_the_language() {
        let e = parse_args(&["--lang", "en", "--bogus"]).unwrap_err();
        assert_eq!(e.0, "unknown argument \"--bogus\"");
        let e = parse_args(&["--bogus"]).unwrap_err();
        assert_eq!(e.0, "okänt argument \"--bogus\"");
    }
}
