//! `malbild serve`: the goals over SSH for anyone, without a shell account.
//!
//! Every visitor gets their own [`crate::session::Session`], the same core the local terminal
//! runs: the bytes from the channel go in, the frames for the channel come out ([`session`]).
//! Nothing else is offered: no commands, no subsystems, no forwarding.

mod session;

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::ssh_key::{HashAlg, LineEnding, PrivateKey};
use russh::server::{Auth, ChannelOpenHandle, Msg, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

use crate::content::{self, Outline};
use crate::i18n::Lang;
use crate::sanitize;

/// How long a connection may take to start a session (or to read a refusal) before it is cut.
const LOGIN_GRACE: Duration = Duration::from_secs(30);
/// How long a connection may stay open after its session has ended.
const AFTER_SESSION: Duration = Duration::from_secs(2);
/// How long sessions get to say goodbye when the server stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
/// Connections over the limits that may wait for their refusal at once; past that they are
/// dropped without a word, so a flood costs no key exchanges.
const MAX_REFUSING: usize = 32;
/// How often to check a silent client is still there, and how many missed answers end it.
const KEEPALIVE: Duration = Duration::from_secs(30);
const KEEPALIVE_MAX: usize = 3;

/// Everything `malbild serve` can be told.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub host_key: PathBuf,
    pub max_sessions: usize,
    pub max_per_ip: usize,
    /// Without input from the visitor for this long, the session ends (keep-alives do not count).
    pub idle_timeout: Duration,
    /// No session lasts longer than this.
    pub max_session: Duration,
    pub kiosk: bool,
    pub lang: Lang,
    pub data: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 2222)),
            host_key: default_host_key(),
            max_sessions: 64,
            max_per_ip: 4,
            idle_timeout: Duration::from_secs(600),
            max_session: Duration::from_secs(3600),
            kiosk: false,
            lang: Lang::Sv,
            data: None,
        }
    }
}

/// `$STATE_DIRECTORY/host_ed25519_key` under systemd, else `malbild_host_ed25519_key` here.
fn default_host_key() -> PathBuf {
    match std::env::var_os("STATE_DIRECTORY") {
        // systemd may list several directories, separated by ':'; the first is ours.
        Some(dirs) if !dirs.is_empty() => {
            let dirs = dirs.to_string_lossy().into_owned();
            let first = dirs.split(':').next().unwrap_or_default().to_string();
            PathBuf::from(first).join("host_ed25519_key")
        }
        _ => PathBuf::from("malbild_host_ed25519_key"),
    }
}

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

pub(crate) fn messages(lang: Lang) -> &'static Messages {
    match lang {
        Lang::Sv => &MESSAGES_SV,
        Lang::En => &MESSAGES_EN,
    }
}

/// `malbild serve [OPTIONS]`: `args` are the arguments after `serve`. Returns when the server
/// has stopped (SIGTERM, SIGINT, SIGHUP): 0, or 2 for bad options, 1 when it cannot start.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let settings = match parse(&args) {
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

/// The content: bundled, or `--data FILE`; errors in the interface language.
pub fn load(settings: &Settings) -> Result<Outline, String> {
    content::load_data(settings.data.as_deref(), settings.lang)
}

/// The result of parsing `serve`'s options.
#[derive(Debug)]
pub enum Parsed {
    Run(Settings),
    Help(Lang),
}

/// The language asked for with `--lang`, looked up first so mistakes can be told in it.
fn language(args: &[String]) -> Lang {
    let mut lang = Lang::Sv;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = match a.strip_prefix("--lang=") {
            Some(v) => Some(v),
            None if a == "--lang" => it.next().map(String::as_str),
            None => None,
        };
        if let Some(l) = value.and_then(Lang::parse) {
            lang = l;
        }
    }
    lang
}

/// Parses the arguments after `serve`; a mistake is told in the `--lang` language.
pub fn parse(args: &[String]) -> Result<Parsed, String> {
    let sv = language(args) == Lang::Sv;
    let say = |sv_text: String, en_text: String| if sv { sv_text } else { en_text };
    let mut s = Settings::default();
    let mut help = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| {
                    say(
                        format!("{name} behöver ett värde"),
                        format!("{name} needs a value"),
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
                    )
                })
        };
        match name {
            "-h" | "--help" => help = true,
            "--listen" => {
                let v = value()?;
                s.listen = v.parse().map_err(|_| {
                    say(
                        format!("--listen vill ha ADRESS:PORT, inte \"{v}\""),
                        format!("--listen takes ADDRESS:PORT, not \"{v}\""),
                    )
                })?;
            }
            "--host-key" => s.host_key = PathBuf::from(value()?),
            "--max-sessions" => s.max_sessions = number(value()?, 100_000)? as usize,
            "--max-per-ip" => s.max_per_ip = number(value()?, 100_000)? as usize,
            "--idle-timeout" => s.idle_timeout = Duration::from_secs(number(value()?, 86_400)?),
            "--max-session" => {
                s.max_session = Duration::from_secs(number(value()?, 7 * 86_400)?);
            }
            "--kiosk" => s.kiosk = true,
            "--data" => s.data = Some(PathBuf::from(value()?)),
            "--lang" => {
                let v = value()?;
                s.lang = Lang::parse(&v).ok_or_else(|| {
                    say(
                        format!("okänt språk \"{v}\": välj sv eller en"),
                        format!("unknown language \"{v}\": choose sv or en"),
                    )
                })?;
            }
            other => {
                let other = sanitize::clean(other);
                return Err(say(
                    format!("okänt argument \"{other}\". Se malbild serve --help."),
                    format!("unknown argument \"{other}\". See malbild serve --help."),
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
    match lang {
        Lang::Sv => HELP_SV,
        Lang::En => HELP_EN,
    }
}

const HELP_SV: &str = "\
malbild serve – visionen och målen över SSH, för vem som helst, utan konto

Användning: malbild serve [ALTERNATIV]

  --listen ADRESS:PORT  var servern lyssnar (standard 127.0.0.1:2222)
  --host-key FIL        värdnyckeln (Ed25519); skapas vid första start
                        (standard $STATE_DIRECTORY/host_ed25519_key)
  --max-sessions N      högst N samtidiga sessioner (standard 64)
  --max-per-ip N        högst N samtidiga sessioner per adress (standard 4)
  --idle-timeout SEK    avsluta efter SEK sekunder utan inmatning (standard 600)
  --max-session SEK     ingen session längre än SEK sekunder (standard 3600)
  --kiosk               kioskläge: ingen tangent avslutar
  --data FIL            läs innehållet från FIL
  --lang SPRÅK          sv (standard) eller en
  -h, --help            visa den här hjälpen

Besökare ansluter med: ssh -p PORT värd
";

const HELP_EN: &str = "\
malbild serve – the vision and goals over SSH, for anyone, without an account

Usage: malbild serve [OPTIONS]

  --listen ADDRESS:PORT where to listen (default 127.0.0.1:2222)
  --host-key FILE       the host key (Ed25519); made on first start
                        (default $STATE_DIRECTORY/host_ed25519_key)
  --max-sessions N      at most N sessions at once (default 64)
  --max-per-ip N        at most N sessions at once per address (default 4)
  --idle-timeout SECS   end a session after SECS seconds without input (default 600)
  --max-session SECS    no session longer than SECS seconds (default 3600)
  --kiosk               kiosk mode: no key quits
  --data FILE           read the content from FILE
  --lang LANG           sv (default) or en
  -h, --help            show this help

Visitors connect with: ssh -p PORT host
";

/// Reads the host key at `path`, or makes a new Ed25519 key there (mode 0600).
pub fn host_key(path: &Path) -> io::Result<PrivateKey> {
    let bad = |e: russh::keys::ssh_key::Error| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    };
    match std::fs::read(path) {
        Ok(text) => {
            let mode = std::fs::metadata(path)?.permissions().mode();
            if mode & 0o077 != 0 {
                eprintln!(
                    "malbild serve: warning: {} can be read by others (mode {:o}); chmod 600 it",
                    path.display(),
                    mode & 0o777
                );
            }
            PrivateKey::from_openssh(text).map_err(bad)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            std::fs::File::open("/dev/urandom")?.read_exact(&mut seed)?;
            let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
            seed.fill(0);
            let text = key.to_openssh(LineEnding::LF).map_err(bad)?;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            eprintln!("malbild serve: made a new host key in {}", path.display());
            Ok(key)
        }
        Err(e) => Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
    }
}

/// Who is connected: the counts the limits are checked against.
#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
    refusing: usize,
}

/// State shared by every connection.
pub(crate) struct Shared {
    pub settings: Settings,
    pub outline: Outline,
    config: Arc<russh::server::Config>,
    counts: Mutex<Counts>,
    /// Turns true when the server stops.
    pub shutdown: watch::Receiver<bool>,
    /// Frames not sent because a client was behind (each followed by a full frame later).
    pub dropped_frames: AtomicU64,
    /// Connections still open, and a wake-up for each one that closes.
    open: AtomicUsize,
    closed: Notify,
}

/// Why a connection may not have a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    Busy,
    PerIp,
}

/// A place counted against the limits, given back when dropped.
struct Ticket {
    shared: Arc<Shared>,
    ip: IpAddr,
    refusal: Option<Refusal>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut counts = self.shared.counts.lock().unwrap_or_else(|e| e.into_inner());
        if self.refusal.is_some() {
            counts.refusing -= 1;
        } else {
            counts.total -= 1;
            if let Some(n) = counts.per_ip.get_mut(&self.ip) {
                *n -= 1;
                if *n == 0 {
                    counts.per_ip.remove(&self.ip);
                }
            }
        }
    }
}

/// The address `--max-per-ip` counts by: an IPv4 address, or an IPv6 /64 (one host can
/// have all of a /64, so counting single IPv6 addresses would limit nothing).
pub fn address_group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(prefix.into())
            }
        },
    }
}

impl Shared {
    /// Counts a new connection from `ip`, or says why it is refused; `None` when there is no
    /// room even to refuse politely.
    fn admit(self: &Arc<Shared>, ip: IpAddr) -> Option<Ticket> {
        let ip = address_group(ip);
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let from_ip = counts.per_ip.get(&ip).copied().unwrap_or(0);
        let refusal = if counts.total >= self.settings.max_sessions {
            Some(Refusal::Busy)
        } else if from_ip >= self.settings.max_per_ip {
            Some(Refusal::PerIp)
        } else {
            None
        };
        match refusal {
            Some(_) if counts.refusing >= MAX_REFUSING => return None,
            Some(_) => counts.refusing += 1,
            None => {
                counts.total += 1;
                *counts.per_ip.entry(ip).or_insert(0) += 1;
            }
        }
        Some(Ticket {
            shared: Arc::clone(self),
            ip,
            refusal,
        })
    }
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

    /// Connections counted against the limits now: each has a session or is about to.
    pub fn sessions(&self) -> usize {
        self.shared
            .counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .total
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
    // Colour is the theme's decision (`c` toggles it), as in the local interface.
    ratatui::crossterm::style::force_color_output(true);
    let config = russh::server::Config {
        server_id: russh::SshId::Standard(
            concat!("SSH-2.0-malbild_", env!("CARGO_PKG_VERSION")).into(),
        ),
        methods: MethodSet::from(
            &[
                MethodKind::None,
                MethodKind::PublicKey,
                MethodKind::KeyboardInteractive,
            ][..],
        ),
        auth_rejection_time: Duration::from_millis(100),
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![key],
        // Liveness comes from keep-alives; the visitor's own silence from the idle timeout.
        inactivity_timeout: None,
        keepalive_interval: Some(KEEPALIVE),
        keepalive_max: KEEPALIVE_MAX,
        nodelay: true,
        ..Default::default()
    };
    let (stop, shutdown) = watch::channel(false);
    let shared = Arc::new(Shared {
        settings,
        outline,
        config: Arc::new(config),
        counts: Mutex::new(Counts::default()),
        shutdown,
        dropped_frames: AtomicU64::new(0),
        open: AtomicUsize::new(0),
        closed: Notify::new(),
    });
    let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
    Ok(Server {
        addr,
        fingerprint,
        stop,
        shared,
        accept,
    })
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let (socket, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                // Out of file descriptors and the like: wait a moment rather than spin.
                eprintln!("malbild serve: accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        if *shared.shutdown.borrow() {
            return;
        }
        let Some(ticket) = shared.admit(peer.ip()) else {
            log(&format!("refused {peer} reason=flood"));
            continue;
        };
        shared.open.fetch_add(1, Ordering::SeqCst);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            connection(&shared, socket, peer, ticket).await;
            shared.open.fetch_sub(1, Ordering::SeqCst);
            shared.closed.notify_waiters();
        });
    }
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
    /// A session channel was opened.
    pub opened: AtomicBool,
    /// The session (or the refusal) is over.
    pub ended: Notify,
}

async fn connection(shared: &Arc<Shared>, socket: TcpStream, peer: SocketAddr, ticket: Ticket) {
    let progress = Arc::new(Progress::default());
    let visitor = Visitor {
        shared: Arc::clone(shared),
        peer,
        refusal: ticket.refusal,
        progress: Arc::clone(&progress),
    };
    let Ok(running) = russh::server::run_stream(Arc::clone(&shared.config), socket, visitor).await
    else {
        return;
    };
    let handle = running.handle();
    tokio::pin!(running);
    let mut shutdown = shared.shutdown.clone();
    let disconnect = |why: &str| {
        let handle = handle.clone();
        let why = why.to_string();
        async move {
            let _ = handle
                .disconnect(russh::Disconnect::ByApplication, why, String::new())
                .await;
        }
    };
    let messages = messages(shared.settings.lang);
    let opened = || progress.opened.load(Ordering::SeqCst);
    let login = tokio::time::Instant::now() + LOGIN_GRACE;
    let mut login_pending = true;
    let mut give_up: Option<tokio::time::Instant> = None;
    // Until the session (or its refusal) is over: the login gets a grace period, and when the
    // server stops, a session gets a moment to say goodbye itself.
    loop {
        tokio::select! {
            _ = &mut running => return,
            _ = progress.ended.notified() => break,
            _ = tokio::time::sleep_until(login), if login_pending => {
                login_pending = false;
                if !opened() {
                    disconnect("").await;
                    return;
                }
            }
            _ = stopped(&mut shutdown), if give_up.is_none() => {
                if !opened() {
                    disconnect(messages.shutdown).await;
                    return;
                }
                give_up = Some(tokio::time::Instant::now() + SHUTDOWN_GRACE);
            }
            _ = tokio::time::sleep_until(give_up.unwrap_or(login)), if give_up.is_some() => {
                disconnect(messages.shutdown).await;
                return;
            }
        }
    }
    // The connection does not outlive its session.
    tokio::select! {
        _ = &mut running => {}
        _ = tokio::time::sleep(AFTER_SESSION) => disconnect("").await,
    }
    drop(ticket);
}

/// The SSH side of one connection: anyone may log in; only a session channel with a pty and a
/// shell gets the interface.
struct Visitor {
    shared: Arc<Shared>,
    peer: SocketAddr,
    refusal: Option<Refusal>,
    progress: Arc<Progress>,
}

impl russh::server::Handler for Visitor {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        Ok(Auth::Accept)
    }

    async fn auth_publickey(
        &mut self,
        _user: &str,
        _key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(Auth::Accept)
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        Ok(Auth::Accept)
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // One session per connection; a second channel is refused (the handle, dropped, says no).
        if self.progress.opened.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        reply.accept().await;
        tokio::spawn(session::run(
            Arc::clone(&self.shared),
            channel,
            session.handle(),
            self.peer,
            self.refusal,
            Arc::clone(&self.progress),
        ));
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        _col_width: u32,
        _row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Without a pty the session's task answers with a message and exit status 1.
        session.channel_success(channel)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Accepted only so the client shows the one-line refusal and exits with status 1.
        session.channel_success(channel)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single_connection: bool,
        _x11_auth_protocol: &str,
        _x11_auth_cookie: &str,
        _x11_screen_number: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _variable_name: &str,
        _variable_value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }
}
