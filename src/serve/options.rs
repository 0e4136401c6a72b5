//! `malbild serve`'s options: what it can be told, their defaults, and `--help`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::args::Args;
use crate::content::{self, Outline};
use crate::i18n::Lang;
use crate::sanitize;

/// Everything `malbild serve` can be told.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub host_key: PathBuf,
    pub max_sessions: usize,
    pub max_per_ip: usize,
    /// From accept to a running pty and shell: banner, key exchange, login and channel requests.
    pub login_grace: Duration,
    /// Connections not yet sessions, in total and per address.
    pub max_startups: usize,
    pub max_startups_per_ip: usize,
    /// Without input from the visitor for this long, the session ends (keep-alives do not count).
    pub idle_timeout: Duration,
    /// No session lasts longer than this.
    pub max_session: Duration,
    pub kiosk: bool,
    /// The server's language: `--lang`'s, else its own locale's.
    pub lang: Lang,
    /// `--lang` was given: every visitor gets `lang`, whatever locale they send.
    pub lang_fixed: bool,
    pub data: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 2222)),
            host_key: default_host_key(),
            max_sessions: 64,
            max_per_ip: 16,
            login_grace: Duration::from_secs(15),
            max_startups: 64,
            max_startups_per_ip: 8,
            idle_timeout: Duration::from_secs(600),
            max_session: Duration::from_secs(3600),
            kiosk: false,
            lang: Lang::Sv,
            lang_fixed: false,
            data: None,
        }
    }
}

/// Where the host key lives unless `--host-key` says: under systemd `$STATE_DIRECTORY`, started
/// by hand the user's state directory (never the working directory, which may be a checkout).
pub(crate) fn default_host_key() -> PathBuf {
    let var = |name| std::env::var_os(name).map(PathBuf::from);
    host_key_in(var("STATE_DIRECTORY"), var("XDG_STATE_HOME"), var("HOME"))
}

/// `$STATE_DIRECTORY/host_ed25519_key`, else `$XDG_STATE_HOME/malbild/host_ed25519_key`, else
/// `~/.local/state/malbild/host_ed25519_key` (the XDG default). Relative values are ignored, as
/// the XDG specification asks; with none of them, the file name alone, and the error on opening
/// it names it.
pub fn host_key_in(
    state_directory: Option<PathBuf>,
    xdg_state_home: Option<PathBuf>,
    home: Option<PathBuf>,
) -> PathBuf {
    const NAME: &str = "host_ed25519_key";
    // systemd may list several directories, separated by ':'; the first is ours.
    if let Some(first) = state_directory
        .as_ref()
        .and_then(|dirs| dirs.to_str())
        .and_then(|dirs| dirs.split(':').next())
        .filter(|first| !first.is_empty())
    {
        return PathBuf::from(first).join(NAME);
    }
    let absolute = |p: Option<PathBuf>| p.filter(|p| p.is_absolute());
    if let Some(state) = absolute(xdg_state_home) {
        return state.join("malbild").join(NAME);
    }
    match absolute(home) {
        Some(home) => home.join(".local/state/malbild").join(NAME),
        None => PathBuf::from(NAME),
    }
}

/// The content: bundled, or `--data FILE`; errors in the interface language.
pub fn load(settings: &Settings) -> Result<Outline, String> {
    content::load_data(settings.data.as_deref(), settings.lang)
}

impl Settings {
    /// A visitor's language: `--lang`'s when it was given, else the one the visitor's
    /// forwarded locale asks for, else the server's.
    pub fn lang_for(&self, visitor: &Locale) -> Lang {
        if self.lang_fixed {
            return self.lang;
        }
        Lang::from_locale(
            visitor.lc_all.as_deref(),
            visitor.lc_messages.as_deref(),
            visitor.lang.as_deref(),
        )
        .unwrap_or(self.lang)
    }
}

/// The locale variables a visitor's client forwarded (OpenSSH's `SendEnv LANG LC_*`).
#[derive(Debug, Default, Clone)]
pub struct Locale {
    pub lc_all: Option<String>,
    pub lc_messages: Option<String>,
    pub lang: Option<String>,
}

impl Locale {
    /// Keeps `name=value` when it is one of the three; a value is a locale name, so anything
    /// longer than one is dropped.
    pub fn set(&mut self, name: &str, value: &str) {
        let slot = match name {
            "LC_ALL" => &mut self.lc_all,
            "LC_MESSAGES" => &mut self.lc_messages,
            "LANG" => &mut self.lang,
            _ => return,
        };
        if value.len() <= 64 {
            *slot = Some(value.to_string());
        }
    }
}

/// The result of parsing `serve`'s options.
#[derive(Debug)]
pub enum Parsed {
    Run(Settings),
    Help(Lang),
}

/// Parses the arguments after `serve`; a mistake is told in the `--lang` language, else in
/// `locale`'s, the server's own.
pub fn parse(args: &[String], locale: Lang) -> Result<Parsed, String> {
    let mut args = Args::new(args);
    let lang = args.lang().unwrap_or(locale);
    let say = |sv: String, en: String, fi: String| lang.pick(sv, en, fi);
    let mut s = Settings {
        lang,
        ..Settings::default()
    };
    let mut help = false;
    while let Some(name) = args.next_arg() {
        let mut value = || {
            args.value().ok_or_else(|| {
                say(
                    format!("{name} behöver ett värde"),
                    format!("{name} needs a value"),
                    format!("{name} tarvitsee arvon"),
                )
            })
        };
        let number = |v: String, max: u64| -> Result<u64, String> {
            v.parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    say(
                        format!("{name} vill ha ett tal från 1 till {max}, inte \"{v}\""),
                        format!("{name} takes a number from 1 to {max}, not \"{v}\""),
                        format!("{name}: anna luku väliltä 1–{max}, ei \"{v}\""),
                    )
                })
        };
        match name.as_str() {
            "-h" | "--help" => help = true,
            "--listen" => {
                let v = value()?;
                s.listen = v.parse().map_err(|_| {
                    say(
                        format!("--listen vill ha ADRESS:PORT, inte \"{v}\""),
                        format!("--listen takes ADDRESS:PORT, not \"{v}\""),
                        format!("--listen: anna OSOITE:PORTTI, ei \"{v}\""),
                    )
                })?;
            }
            "--host-key" => s.host_key = PathBuf::from(value()?),
            "--max-sessions" => s.max_sessions = number(value()?, 100_000)? as usize,
            "--max-per-ip" => s.max_per_ip = number(value()?, 100_000)? as usize,
            "--login-grace" => s.login_grace = Duration::from_secs(number(value()?, 600)?),
            "--max-startups" => s.max_startups = number(value()?, 100_000)? as usize,
            "--max-startups-per-ip" => {
                s.max_startups_per_ip = number(value()?, 100_000)? as usize;
            }
            "--idle-timeout" => s.idle_timeout = Duration::from_secs(number(value()?, 86_400)?),
            "--max-session" => {
                s.max_session = Duration::from_secs(number(value()?, 7 * 86_400)?);
            }
            "--kiosk" => s.kiosk = true,
            "--data" => s.data = Some(PathBuf::from(value()?)),
            "--lang" => {
                let v = value()?;
                s.lang_fixed = true;
                s.lang = Lang::parse(&v).ok_or_else(|| {
                    say(
                        format!("okänt språk \"{v}\": välj sv, en eller fi"),
                        format!("unknown language \"{v}\": choose sv, en or fi"),
                        format!("tuntematon kieli \"{v}\": valitse sv, en tai fi"),
                    )
                })?;
            }
            other => {
                let other = sanitize::clean(other);
                return Err(say(
                    format!("okänt argument \"{other}\". Se malbild serve --help."),
                    format!("unknown argument \"{other}\". See malbild serve --help."),
                    format!("tuntematon argumentti \"{other}\". Katso malbild serve --help."),
                ));
            }
        }
    }
    Ok(if help {
        Parsed::Help(s.lang)
    } else {
        Parsed::Run(s)
    })
}

/// The `serve --help` text.
pub fn help(lang: Lang) -> &'static str {
    lang.pick(HELP_SV, HELP_EN, HELP_FI)
}

const HELP_SV: &str = "\
malbild serve – visionen och målen över SSH, för vem som helst, utan konto

Användning: malbild serve [ALTERNATIV]

  --listen ADRESS:PORT  var servern lyssnar (standard 127.0.0.1:2222)
  --host-key FIL        värdnyckeln (Ed25519); skapas vid första start.
                        Standard under systemd:
                          $STATE_DIRECTORY/host_ed25519_key
                        startad för hand:
                          $XDG_STATE_HOME/malbild/host_ed25519_key
                          eller ~/.local/state/malbild/host_ed25519_key
  --max-sessions N      högst N samtidiga sessioner (standard 64)
  --max-per-ip N        högst N samtidiga sessioner per adress (standard 16)
  --login-grace SEK     högst SEK sekunder från anslutning till startad
                        terminal (standard 15)
  --max-startups N      högst N anslutningar som ännu inte är sessioner
                        (standard 64)
  --max-startups-per-ip N
                        högst N sådana per adress (standard 8)
  --idle-timeout SEK    avsluta efter SEK sekunder utan inmatning (standard 600)
  --max-session SEK     ingen session längre än SEK sekunder (standard 3600)
  --kiosk               kioskläge: ingen tangent avslutar
  --data FIL            läs innehållet från FIL
  --lang SPRÅK          sv, en eller fi för alla; annars besökarens LANG/LC_*,
                        utan sådan serverns egen (svenska utan någon)
  -h, --help            visa den här hjälpen

Besökare ansluter med: ssh -p PORT värd
";

const HELP_EN: &str = "\
malbild serve – the vision and goals over SSH, for anyone, without an account

Usage: malbild serve [OPTIONS]

  --listen ADDRESS:PORT where to listen (default 127.0.0.1:2222)
  --host-key FILE       the host key (Ed25519); made on first start.
                        Default under systemd:
                          $STATE_DIRECTORY/host_ed25519_key
                        started by hand:
                          $XDG_STATE_HOME/malbild/host_ed25519_key
                          or ~/.local/state/malbild/host_ed25519_key
  --max-sessions N      at most N sessions at once (default 64)
  --max-per-ip N        at most N sessions at once per address (default 16)
  --login-grace SECS    at most SECS seconds from connecting to a running
                        terminal (default 15)
  --max-startups N      at most N connections that are not sessions yet
                        (default 64)
  --max-startups-per-ip N
                        at most N of those per address (default 8)
  --idle-timeout SECS   end a session after SECS seconds without input
                        (default 600)
  --max-session SECS    no session longer than SECS seconds (default 3600)
  --kiosk               kiosk mode: no key quits
  --data FILE           read the content from FILE
  --lang LANG           sv, en or fi for everyone; else each visitor's
                        LANG/LC_*, without one the server's own (Swedish
                        without any)
  -h, --help            show this help

Visitors connect with: ssh -p PORT host
";

const HELP_FI: &str = "\
malbild serve – visio ja tavoitteet SSH:llä kenelle tahansa, ilman tunnusta

Käyttö: malbild serve [VALITSIMET]

  --listen OSOITE:PORTTI
                        missä palvelin kuuntelee (oletus 127.0.0.1:2222)
  --host-key TIEDOSTO   palvelinavain (Ed25519); luodaan ensimmäisellä kerralla.
                        Oletus systemd:n käynnistämänä:
                          $STATE_DIRECTORY/host_ed25519_key
                        käsin käynnistettynä:
                          $XDG_STATE_HOME/malbild/host_ed25519_key
                          tai ~/.local/state/malbild/host_ed25519_key
  --max-sessions N      enintään N istuntoa yhtä aikaa (oletus 64)
  --max-per-ip N        enintään N istuntoa yhtä aikaa osoitetta kohden
                        (oletus 16)
  --login-grace SEK     enintään SEK sekuntia yhteyden avaamisesta päätteen
                        käynnistymiseen (oletus 15)
  --max-startups N      enintään N yhteyttä, jotka eivät vielä ole istuntoja
                        (oletus 64)
  --max-startups-per-ip N
                        enintään N sellaista osoitetta kohden (oletus 8)
  --idle-timeout SEK    päätä istunto, kun mitään ei ole painettu SEK sekuntiin
                        (oletus 600)
  --max-session SEK     istunto kestää enintään SEK sekuntia (oletus 3600)
  --kiosk               kioskitila: mikään näppäin ei lopeta
  --data TIEDOSTO       lue sisältö tiedostosta TIEDOSTO
  --lang KIELI          sv, en tai fi kaikille; muuten vierailijan LANG/LC_*,
                        ilman sitä palvelimen oma (jos sitäkään ei ole, ruotsi)
  -h, --help            näytä tämä ohje

Vierailijat yhdistävät komennolla: ssh -p PORTTI palvelin
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_help_line_fits_80_columns() {
        for help in [HELP_SV, HELP_EN, HELP_FI] {
            for line in help.lines() {
                assert!(line.chars().count() <= 80, "{line}");
            }
        }
    }

    #[test]
    fn the_host_key_is_never_in_the_working_directory_when_home_is_known() {
        let p = |s: &str| Some(PathBuf::from(s));
        assert_eq!(
            host_key_in(p("/var/lib/malbild:/var/lib/other"), p("/x"), p("/home/a")),
            PathBuf::from("/var/lib/malbild/host_ed25519_key")
        );
        assert_eq!(
            host_key_in(None, p("/home/a/state"), p("/home/a")),
            PathBuf::from("/home/a/state/malbild/host_ed25519_key")
        );
        assert_eq!(
            host_key_in(p(""), p("relative"), p("/home/a")),
            PathBuf::from("/home/a/.local/state/malbild/host_ed25519_key")
        );
        assert_eq!(
            host_key_in(None, None, None),
            PathBuf::from("host_ed25519_key")
        );
    }
}
