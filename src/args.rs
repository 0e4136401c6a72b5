//! How malbild reads a command line, the same for `malbild` and for `malbild serve`.
//!
//! An option is `--name value` or `--name=value`; a value is taken as it is, even when it starts
//! with `-`; anything else is a word the caller refuses or takes. `--lang` is looked up before
//! anything else, so that a mistake anywhere on the line is told in the language asked for.
//! Each command line keeps its own `match` on the names, with its own messages: this only
//! splits the arguments, so neither needs a parser crate.

use std::ffi::OsStr;

use crate::i18n::Lang;

/// The arguments still to read.
#[derive(Debug)]
pub struct Args {
    rest: std::vec::IntoIter<String>,
    /// The value after `=` of the option just read.
    inline: Option<String>,
    lang: Option<Lang>,
}

impl Args {
    /// The arguments after the program's name (and its subcommand); text that is not UTF-8 is
    /// read with replacement characters, so it can still be named in a message.
    pub fn new<I, S>(args: I) -> Args
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<String> = args
            .into_iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect();
        Args {
            lang: language(&args),
            rest: args.into_iter(),
            inline: None,
        }
    }

    /// The language of the last `--lang` whose value is one; `None` without any, when the
    /// locale chooses.
    pub fn lang(&self) -> Option<Lang> {
        self.lang
    }

    /// The next option's name (`--name` of `--name=value`) or word; `None` at the end.
    pub fn next_arg(&mut self) -> Option<String> {
        let arg = self.rest.next()?;
        self.inline = None;
        match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                self.inline = Some(value.to_string());
                Some(name.to_string())
            }
            _ => Some(arg),
        }
    }

    /// The value of the option just read: what followed its `=`, else the next argument.
    /// `None` when the line ends first. An option that takes no value ignores an `=value`.
    pub fn value(&mut self) -> Option<String> {
        self.inline.take().or_else(|| self.rest.next())
    }
}

/// The `--lang` asked for, read ahead of the options.
fn language(args: &[String]) -> Option<Lang> {
    let mut lang = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = match a.strip_prefix("--lang=") {
            Some(v) => Some(v),
            None if a == "--lang" => it.next().map(String::as_str),
            None => None,
        };
        if let Some(l) = value.and_then(Lang::parse) {
            lang = Some(l);
        }
    }
    lang
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every option and word with the value it would take.
    fn read(args: &[&str]) -> Vec<(String, Option<String>)> {
        let mut args = Args::new(args);
        let mut out = Vec::new();
        while let Some(name) = args.next_arg() {
            let value = name.starts_with("--v").then(|| args.value()).flatten();
            out.push((name, value));
        }
        out
    }

    fn pair(name: &str, value: Option<&str>) -> (String, Option<String>) {
        (name.to_string(), value.map(str::to_string))
    }

    #[test]
    fn values_come_after_an_equals_sign_or_as_the_next_argument() {
        assert_eq!(
            read(&["--v=1", "--v", "-2", "--flag=ignored", "word", "--v"]),
            [
                pair("--v", Some("1")),
                pair("--v", Some("-2")),
                pair("--flag", None),
                pair("word", None),
                pair("--v", None),
            ]
        );
        // Only a long option has an inline value; `=` elsewhere is part of the word.
        assert_eq!(
            read(&["-v=1", "a=b"]),
            [pair("-v=1", None), pair("a=b", None)]
        );
        assert_eq!(read(&["--v=a=b"]), [pair("--v", Some("a=b"))]);
    }

    #[test]
    fn the_last_known_language_wins_wherever_it_stands() {
        let lang = |args: &[&str]| Args::new(args).lang();
        assert_eq!(lang(&[]), None);
        assert_eq!(lang(&["--bogus", "--lang", "en"]), Some(Lang::En));
        assert_eq!(lang(&["--lang=en", "--lang", "xx"]), Some(Lang::En));
        assert_eq!(lang(&["--lang=en", "--lang=sv"]), Some(Lang::Sv));
        assert_eq!(lang(&["--lang=fi"]), Some(Lang::Fi));
        assert_eq!(lang(&["--lang"]), None);
    }

    /// Non-UTF-8 bytes, as a Unix command line can hold them.
    #[cfg(unix)]
    #[test]
    fn text_that_is_not_utf8_is_kept_to_be_named() {
        use std::os::unix::ffi::OsStrExt;
        let mut args = Args::new([OsStr::from_bytes(b"--\xff")]);
        assert_eq!(args.next_arg().as_deref(), Some("--\u{fffd}"));
    }
}
