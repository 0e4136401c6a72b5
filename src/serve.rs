//! `malbild serve`: the goals over SSH for anyone, without a shell account.
//!
//! Every visitor gets their own [`crate::session::Session`], the same core the local terminal
//! runs: the bytes from the channel go in, the frames for the channel come out ([`session`]).
//! Nothing else is offered: no commands, no subsystems, no forwarding.

mod admission;
mod connection;
mod handler;
mod hostkey;
mod messages;
mod options;
mod session;

pub use admission::address_group;
pub use hostkey::host_key;
pub(crate) use messages::messages;
pub use options::{Locale, Parsed, Settings, help, load, parse};

use std::ffi::OsString;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use russh::keys::ssh_key::HashAlg;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::content::Outline;
use admission::Door;

/// How long sessions get to say goodbye when the server stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// `malbild serve [OPTIONS]`: `args` are the arguments after `serve`. Returns when the server
/// has stopped (SIGTERM, SIGINT, SIGHUP): 0, or 2 for bad options, 1 when it cannot start.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let settings = match parse(&args, crate::i18n::Lang::from_env()) {
        Ok(Parsed::Run(s)) => s,
        Ok(Parsed::Help(lang)) => {
            print!("{}", help(lang));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("malbild serve: {e}");
            return ExitCode::from(2);
        }
    };
    let outline = match load(&settings) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("malbild serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let server = start(settings, outline).await?;
        eprintln!(
            "malbild serve: listening on {}, host key {}",
            server.local_addr(),
            server.fingerprint()
        );
        stop_signal().await?;
        eprintln!("malbild serve: stopping");
        server.stop().await;
        io::Result::Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("malbild serve: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Waits for SIGTERM, SIGINT or SIGHUP.
async fn stop_signal() -> io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
        _ = hup.recv() => {}
    }
    Ok(())
}

/// State shared by every connection.
pub(crate) struct Shared {
    pub settings: Settings,
    pub outline: Outline,
    config: Arc<russh::server::Config>,
    door: Arc<Door>,
    /// Turns true when the server stops.
    pub shutdown: watch::Receiver<bool>,
    /// Frames not sent because a client was behind (each followed by a full frame later).
    pub dropped_frames: AtomicU64,
    /// Connections still open, and a wake-up for each one that closes.
    open: AtomicUsize,
    closed: Notify,
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    fingerprint: String,
    stop: watch::Sender<bool>,
    shared: Arc<Shared>,
    accept: tokio::task::JoinHandle<()>,
}

impl Server {
    /// The address it listens on (with the real port when started on port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The host key's SHA256 fingerprint, as `ssh` shows it.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Running sessions: the ones counted against `--max-sessions`.
    pub fn sessions(&self) -> usize {
        self.shared.door.sessions()
    }

    /// Connections that are not sessions yet (banner, key exchange, login, channel requests).
    pub fn starting(&self) -> usize {
        self.shared.door.starting()
    }

    /// Frames dropped so far because a client was not reading fast enough.
    pub fn dropped_frames(&self) -> u64 {
        self.shared.dropped_frames.load(Ordering::Relaxed)
    }

    /// Stops accepting, tells every session goodbye and closes it, and returns when all
    /// connections are gone (or after a grace period).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        self.accept.abort();
        let _ = self.accept.await;
        let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE + Duration::from_secs(1);
        while self.shared.open.load(Ordering::SeqCst) > 0 {
            let closed = self.shared.closed.notified();
            if self.shared.open.load(Ordering::SeqCst) == 0 {
                break;
            }
            if tokio::time::timeout_at(deadline, closed).await.is_err() {
                break;
            }
        }
    }
}

/// Starts a server for `outline` on `settings.listen`; the host key is read or made first.
pub async fn start(settings: Settings, outline: Outline) -> io::Result<Server> {
    let key = host_key(&settings.host_key)?;
    let fingerprint = key.public_key().fingerprint(HashAlg::Sha256).to_string();
    let listener = TcpListener::bind(settings.listen).await?;
    let addr = listener.local_addr()?;
    admission::tune_allocator();
    // Colour is the theme's decision (`c` toggles it), as in the local interface.
    ratatui::crossterm::style::force_color_output(true);
    let (stop, shutdown) = watch::channel(false);
    let shared = Arc::new(Shared {
        door: Arc::new(Door::new(&settings)),
        settings,
        outline,
        config: Arc::new(handler::config(key)),
        shutdown,
        dropped_frames: AtomicU64::new(0),
        open: AtomicUsize::new(0),
        closed: Notify::new(),
    });
    let accept = tokio::spawn(connection::accept_loop(listener, Arc::clone(&shared)));
    Ok(Server {
        addr,
        fingerprint,
        stop,
        shared,
        accept,
    })
}

/// Returns once the server is stopping.
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// One line on stderr.
pub(crate) fn log(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "malbild serve: {line}");
}

/// What a connection's handler and its session tell the connection task.
#[derive(Default)]
pub(crate) struct Progress {
    /// The visitor logged in.
    pub authed: AtomicBool,
    /// A session channel was opened.
    pub opened: AtomicBool,
    /// A pty was asked for.
    pub pty: AtomicBool,
    /// The session (or the refusal) is over.
    pub ended: Notify,
}
