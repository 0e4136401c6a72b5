//! malbild: Smedjebackens kommun's vision and goals in a terminal.
//!
//! Data flows one way: terminal event → [`keymap`] → [`app::Action`] → [`app::App::update`] →
//! [`ui`]. Nothing below `app` knows about the terminal; [`terminal`] holds all of its I/O.

pub mod app;
pub mod args;
pub mod ascii;
pub mod backend;
pub mod cli;
pub mod content;
pub mod export;
pub mod help;
pub mod i18n;
pub mod input;
pub mod keymap;
pub mod kiosk;
pub mod layout;
pub mod sanitize;
pub mod search;
#[cfg(all(feature = "serve", unix))]
pub mod serve;
#[cfg(all(feature = "serve", not(unix)))]
compile_error!(
    "`malbild serve` (the `serve` feature) is an SSH server for Linux and other Unix systems; \
     on Windows, build malbild without it"
);
pub mod session;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod ui;
