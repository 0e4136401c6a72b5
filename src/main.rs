//! Parses the options, loads the content, and picks the mode: interface, print or check.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use malbild::app::{App, Config};
use malbild::cli::{self, ColorChoice, Mode, Options};
use malbild::content::{self, Outline};
use malbild::export;
use malbild::i18n::Lang;
use malbild::sanitize::clean;
use malbild::terminal;
use malbild::theme::{Glyphs, locale_is_utf8};

/// Exit status for bad input: options, ids, data files.
const BAD_INPUT: u8 = 2;

/// `--ascii`: every byte written is ASCII, on stdout and stderr alike, terminal or not.
static ASCII: AtomicBool = AtomicBool::new(false);

fn main() -> ExitCode {
    // Looked for before the options are read, so that a mistake in them is told in ASCII too.
    ASCII.store(
        std::env::args_os().skip(1).any(|a| a == "--ascii"),
        Ordering::Relaxed,
    );
    if std::env::args_os().nth(1).is_some_and(|a| a == "serve") {
        return serve(std::env::args_os().skip(2).collect());
    }
    let options = match cli::parse(std::env::args_os().skip(1), Lang::from_env()) {
        Ok(o) => o,
        Err((e, lang)) => {
            let more = lang.pick(
                "Se malbild --help.",
                "See malbild --help.",
                "Katso malbild --help.",
            );
            return fail(&format!("malbild: {}\n{more}", clean(&e.0)));
        }
    };
    match options.mode {
        Mode::Help => return print(cli::help(options.lang)),
        Mode::Version => return print(&format!("malbild {}\n", env!("CARGO_PKG_VERSION"))),
        _ => {}
    }
    let stdout_is_terminal = io::stdout().is_terminal();
    if options.mode == Mode::Interface
        && !stdout_is_terminal
        && let Some(option) = options.interface_option()
    {
        let message = options.lang.strings().needs_terminal;
        return fail(&format!("malbild: {}", message.replace("{option}", option)));
    }
    if options.mode == Mode::Check {
        return check(&options);
    }
    let outline = match content::load_data(options.data.as_deref(), options.lang) {
        Ok(o) => o,
        Err(message) => return fail(&message),
    };
    let start = match &options.goal {
        None => 0,
        Some(id) => match outline.find(id) {
            Some(i) => i,
            None => return fail(&unknown_goal(id, &outline, options.lang)),
        },
    };
    match options.mode {
        Mode::Interface if stdout_is_terminal => interface(outline, start, &options),
        _ => {
            let width = if stdout_is_terminal {
                ratatui::crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w))
            } else {
                80
            };
            print(&export::render(
                &outline,
                start,
                options.format,
                width,
                options.lang,
            ))
        }
    }
}

fn unknown_goal(id: &str, outline: &Outline, lang: Lang) -> String {
    let id = clean(id);
    let ids = outline.ids().join(", ");
    lang.pick(
        format!("malbild: det finns inget mål med id \"{id}\".\nGiltiga id: {ids}"),
        format!("malbild: there is no goal with the id \"{id}\".\nValid ids: {ids}"),
        format!("malbild: ei ole tavoitetta, jonka id on \"{id}\".\nKelvolliset id:t: {ids}"),
    )
}

/// `--check`: the file given, or the bundled document with every check a file gets, and what
/// was checked named in the answer.
fn check(options: &Options) -> ExitCode {
    let strings = options.lang.strings();
    let loaded = match &options.data {
        Some(path) => content::load_file(path),
        None => content::load(content::BUNDLED_NAME, content::BUNDLED),
    };
    let outline = match loaded {
        Ok(o) => o,
        Err(e) => return fail(&e.render(options.lang)),
    };
    let answer = match &options.data {
        Some(path) => strings
            .check_valid_file
            .replace("{file}", &clean(&path.display().to_string())),
        None => strings.check_valid_bundled.to_string(),
    };
    let answer = answer
        .replace("{p}", &outline.nodes[0].children.len().to_string())
        .replace("{g}", &outline.goals().count().to_string());
    let codes: Vec<&str> = outline.translations.iter().map(|t| t.lang.code()).collect();
    let translations = if codes.is_empty() {
        String::new()
    } else {
        strings
            .check_translations
            .replace("{codes}", &codes.join(", "))
    };
    let answer = answer.replace("{t}", &translations);
    print(&format!("{answer}\n"))
}

fn interface(outline: Outline, start: usize, options: &Options) -> ExitCode {
    let var = |name: &str| std::env::var(name).ok();
    let colour = match options.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => var("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let glyphs = if options.ascii {
        Glyphs::Ascii
    } else {
        Glyphs::detect(
            var("TERM").as_deref(),
            var("LC_ALL").as_deref(),
            var("LC_CTYPE").as_deref(),
            var("LANG").as_deref(),
        )
    };
    let config = Config {
        kiosk: options.kiosk,
        lang: options.lang,
        glyphs,
        colour,
        screen_reader: options.screen_reader,
        mouse: options.mouse,
        idle_reset: options.idle_reset,
        carousel: options.carousel,
        start,
    };
    let app = App::new(outline, config, Instant::now());
    match terminal::run(app, options.admin_exit) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) => {
            let _ = writeln!(io::stderr(), "malbild: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Whether what goes to `stream` must be ASCII: with `--ascii`, or when it is a terminal and the
/// locale is not UTF-8 (as the interface's glyphs are chosen). A file or a pipe gets UTF-8
/// unless `--ascii` says otherwise: it is read later, and elsewhere.
fn ascii(stream: &impl IsTerminal) -> bool {
    let var = |name: &str| std::env::var(name).ok();
    ASCII.load(Ordering::Relaxed)
        || (stream.is_terminal()
            && !locale_is_utf8(
                var("LC_ALL").as_deref(),
                var("LC_CTYPE").as_deref(),
                var("LANG").as_deref(),
            ))
}

/// Writes to stdout; a closed pipe (`malbild | head`) is not an error.
fn print(text: &str) -> ExitCode {
    let mut out = io::stdout().lock();
    let text = if ascii(&out) {
        malbild::ascii::text(text)
    } else {
        text.into()
    };
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            let _ = writeln!(io::stderr(), "malbild: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}

fn fail(message: &str) -> ExitCode {
    let mut err = io::stderr().lock();
    let message = if ascii(&err) {
        malbild::ascii::text(message)
    } else {
        message.into()
    };
    let _ = writeln!(err, "{message}");
    ExitCode::from(BAD_INPUT)
}

/// `malbild serve`: the goals over SSH, in builds with the `serve` feature.
#[cfg(feature = "serve")]
fn serve(args: Vec<std::ffi::OsString>) -> ExitCode {
    malbild::serve::main(args)
}

#[cfg(not(feature = "serve"))]
fn serve(args: Vec<std::ffi::OsString>) -> ExitCode {
    let lang = malbild::args::Args::new(&args)
        .lang()
        .unwrap_or_else(malbild::i18n::Lang::from_env);
    fail(&format!("malbild serve: {}", lang.strings().no_serve))
}
