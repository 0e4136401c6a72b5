//! The locale a test runs a program in, whatever the machine's is. malbild takes its language
//! from LC_ALL, LC_MESSAGES or LANG and its glyphs from LC_ALL, LC_CTYPE or LANG, the first set;
//! an ssh client forwards them to `malbild serve`.

use portable_pty::CommandBuilder;
use std::process::Command;

pub trait Locale {
    /// `LANG=lang` and no LC_ALL, LC_MESSAGES or LC_CTYPE, so `lang` alone decides.
    /// `C.UTF-8` asks for no language: Swedish, in UTF-8.
    fn locale(&mut self, lang: &str) -> &mut Self;
}

impl Locale for Command {
    fn locale(&mut self, lang: &str) -> &mut Self {
        self.env("LANG", lang)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LC_CTYPE")
    }
}

impl Locale for CommandBuilder {
    fn locale(&mut self, lang: &str) -> &mut Self {
        self.env("LANG", lang);
        for var in ["LC_ALL", "LC_MESSAGES", "LC_CTYPE"] {
            self.env_remove(var);
        }
        self
    }
}
