//! `malbild serve` end to end: a russh client and a vt100 screen against a server on loopback,
//! an OpenSSH client through a pty, and the byte decoder on its own.
#![cfg(feature = "serve")]

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use malbild::app::{Action, App, Config};
use malbild::content::Outline;
use malbild::keymap::{self, Context};
use malbild::serve::{self, Server, Settings};
use malbild::theme::Glyphs;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use russh::keys::PublicKeyOrCertificate;
use russh::keys::ssh_key::HashAlg;
use russh::{ChannelMsg, client};

#[path = "common/locale.rs"]
mod locale;
use locale::Locale;

const WAIT: Duration = Duration::from_secs(10);

/// A fresh directory for host keys.
fn temp_dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "malbild-serve-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn settings() -> Settings {
    Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        host_key: temp_dir().join("host_key"),
        ..Settings::default()
    }
}

async fn start(settings: Settings) -> Server {
    serve::start(settings, Outline::bundled()).await.unwrap()
}

/// Trusts any host key and remembers its fingerprint.
struct Client {
    seen: Arc<Mutex<Option<String>>>,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        if let PublicKeyOrCertificate::PublicKey { key, .. } = key {
            *self.seen.lock().unwrap() = Some(key.fingerprint(HashAlg::Sha256).to_string());
        }
        Ok(true)
    }
}

/// One visitor: the SSH channel and what their terminal shows.
struct Visitor {
    handle: client::Handle<Client>,
    channel: russh::Channel<client::Msg>,
    screen: vt100::Parser,
    stderr: Vec<u8>,
    exit: Option<u32>,
    closed: bool,
    host_key: Arc<Mutex<Option<String>>>,
    first_data: Option<Instant>,
}

async fn connect(addr: SocketAddr) -> Visitor {
    // Without TCP_NODELAY the client's small packets wait out delayed ACKs (about 40 ms).
    let config = client::Config {
        nodelay: true,
        ..client::Config::default()
    };
    connect_with(addr, config).await
}

async fn connect_with(addr: SocketAddr, config: client::Config) -> Visitor {
    let seen = Arc::new(Mutex::new(None));
    let config = Arc::new(config);
    let mut handle = client::connect(
        config,
        addr,
        Client {
            seen: Arc::clone(&seen),
        },
    )
    .await
    .unwrap();
    assert!(handle.authenticate_none("visitor").await.unwrap().success());
    let channel = handle.channel_open_session().await.unwrap();
    Visitor {
        handle,
        channel,
        screen: vt100::Parser::new(24, 80, 0),
        stderr: Vec::new(),
        exit: None,
        closed: false,
        host_key: seen,
        first_data: None,
    }
}

/// Connects with a pty of `width`×`height` and starts the shell.
async fn visit(addr: SocketAddr, width: u16, height: u16) -> Visitor {
    visit_with(connect(addr).await, width, height, "xterm-256color").await
}

async fn visit_with(mut v: Visitor, width: u16, height: u16, term: &str) -> Visitor {
    v.screen.screen_mut().set_size(height, width);
    v.channel
        .request_pty(false, term, u32::from(width), u32::from(height), 0, 0, &[])
        .await
        .unwrap();
    v.channel.request_shell(false).await.unwrap();
    v
}

impl Visitor {
    /// Reads until `done` holds for the screen (true) or the channel closes or time runs out.
    async fn until(&mut self, done: impl Fn(&Visitor) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if done(self) {
                return true;
            }
            if self.closed {
                return false;
            }
            let msg = match tokio::time::timeout_at(deadline, self.channel.wait()).await {
                Ok(m) => m,
                Err(_) => return false,
            };
            match msg {
                Some(ChannelMsg::Data { data }) => {
                    self.first_data.get_or_insert_with(Instant::now);
                    self.screen.process(&data);
                }
                Some(ChannelMsg::ExtendedData { data, .. }) => self.stderr.extend_from_slice(&data),
                Some(ChannelMsg::ExitStatus { exit_status }) => self.exit = Some(exit_status),
                Some(ChannelMsg::Close) | None => self.closed = true,
                Some(_) => {}
            }
        }
    }

    async fn until_closed(&mut self) -> bool {
        self.until(|v| v.closed).await
    }

    async fn until_screen(&mut self, expected: &[String]) -> bool {
        let ok = self.until(|v| rows(v.screen.screen()) == expected).await;
        if !ok {
            eprintln!("expected:\n{}", expected.join("\n"));
            eprintln!("got:\n{}", rows(self.screen.screen()).join("\n"));
        }
        ok
    }

    async fn type_bytes(&self, bytes: &[u8]) {
        self.channel.data(bytes).await.unwrap();
    }

    fn text(&self) -> String {
        self.screen.screen().contents()
    }
}

fn rows(screen: &vt100::Screen) -> Vec<String> {
    let (_, width) = screen.size();
    screen
        .rows(0, width)
        .map(|r| r.trim_end().to_string())
        .collect()
}

/// The app as a visitor with an xterm gets it.
fn local_app() -> App {
    app_for(Glyphs::Unicode)
}

fn app_for(glyphs: Glyphs) -> App {
    let config = Config {
        glyphs,
        colour: true,
        mouse: true,
        ..Config::default()
    };
    App::new(Outline::bundled(), config, Instant::now())
}

/// What the screen should read after `actions` at `width`×`height`, drawn locally.
fn expected(app: &mut App, width: u16, height: u16, actions: &[Action]) -> Vec<String> {
    let now = Instant::now();
    app.update(Action::Resize { width, height }, now);
    for a in actions {
        app.update(a.clone(), now);
    }
    let mut term = Terminal::new(TestBackend::new(width, height)).unwrap();
    term.draw(|f| f.render_widget(&*app, f.area())).unwrap();
    let buffer = term.backend().buffer();
    (0..height)
        .map(|y| {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                line.push_str(symbol);
            }
            line.trim_end().to_string()
        })
        .collect()
}

fn restored(screen: &vt100::Screen) -> bool {
    !screen.alternate_screen()
        && !screen.hide_cursor()
        && !screen.bracketed_paste()
        && screen.mouse_protocol_mode() == vt100::MouseProtocolMode::None
}

#[tokio::test]
async fn start_screen_keys_resize_and_quit() {
    let server = start(settings()).await;
    let mut v = visit(server.local_addr(), 80, 24).await;
    let mut app = local_app();
    assert!(v.until_screen(&expected(&mut app, 80, 24, &[])).await);
    assert!(v.screen.screen().alternate_screen());
    assert!(v.screen.screen().hide_cursor());
    assert!(v.screen.screen().bracketed_paste());
    assert_eq!(
        v.screen.screen().mouse_protocol_mode(),
        vt100::MouseProtocolMode::PressRelease
    );

    v.type_bytes(b"j").await;
    assert!(
        v.until_screen(&expected(&mut app, 80, 24, &[Action::Down]))
            .await
    );
    // An arrow key in one packet, a Tab, then End.
    v.type_bytes(b"\x1b[B\t\x1b[F").await;
    let keys = [Action::Down, Action::FocusNext, Action::Last];
    assert!(v.until_screen(&expected(&mut app, 80, 24, &keys)).await);

    v.channel.window_change(100, 30, 0, 0).await.unwrap();
    v.screen.screen_mut().set_size(30, 100);
    assert!(v.until_screen(&expected(&mut app, 100, 30, &[])).await);

    v.type_bytes(b"q").await;
    assert!(v.until_closed().await);
    assert_eq!(v.exit, Some(0));
    assert!(restored(v.screen.screen()));
    server.stop().await;
}

/// Over SSH as locally: a bracketed paste is text however long it is, in packets of the
/// client's choosing; none of its `q`, digits or `j` acts as a key, and the keys after it work.
#[tokio::test]
async fn a_long_paste_is_never_keys() {
    let server = start(Settings {
        kiosk: false,
        ..settings()
    })
    .await;
    for len in [1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 10 * 1024 * 1024] {
        let mut v = visit(server.local_addr(), 80, 24).await;
        let mut app = local_app();
        assert!(v.until_screen(&expected(&mut app, 80, 24, &[])).await);
        let body: Vec<u8> = b"q1j0Gk".iter().copied().cycle().take(len).collect();
        let paste = [&b"\x1b[200~"[..], &body, b"\x1b[201~"].concat();
        for packet in paste.chunks(32 * 1024) {
            v.type_bytes(packet).await;
        }
        v.type_bytes(b"jj").await;
        let keys = [Action::Down, Action::Down];
        assert!(
            v.until_screen(&expected(&mut app, 80, 24, &keys)).await,
            "{len} bytes"
        );
        assert_eq!(v.exit, None, "{len} bytes: the paste ended the session");
    }
    server.stop().await;
}

#[tokio::test]
async fn term_linux_gets_the_console_symbols() {
    let server = start(settings()).await;
    let mut v = visit_with(connect(server.local_addr()).await, 80, 24, "linux").await;
    let mut app = app_for(Glyphs::Console);
    let want = expected(&mut app, 80, 24, &[]);
    assert_ne!(want, expected(&mut local_app(), 80, 24, &[]));
    assert!(v.until_screen(&want).await);
    server.stop().await;
}

/// A client that stops reading: the server drops frames instead of queueing them, and sends
/// one full frame when the client reads again.
#[tokio::test]
async fn a_client_that_falls_behind_gets_the_right_screen() {
    let server = start(settings()).await;
    // A small window, and a client that stops taking packets after a few unread ones.
    let config = client::Config {
        window_size: 16 * 1024,
        channel_buffer_size: 4,
        ..client::Config::default()
    };
    let mut v = visit_with(
        connect_with(server.local_addr(), config).await,
        80,
        24,
        "xterm",
    )
    .await;
    assert!(first_frame(&mut v).await);
    let Visitor {
        handle: _handle,
        channel,
        mut screen,
        ..
    } = v;
    let (mut read, write) = channel.split();
    // 60 resizes between two sizes, each a full frame, then a key; nobody reads for a while.
    let typing = tokio::spawn(async move {
        for i in 0..60u32 {
            let (w, h) = if i % 2 == 0 { (200, 60) } else { (120, 40) };
            write.window_change(w, h, 0, 0).await.unwrap();
        }
        write.data(&b"G"[..]).await.unwrap();
        write
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    screen.screen_mut().set_size(40, 120);
    let want = expected(&mut local_app(), 120, 40, &[Action::Last]);
    let deadline = tokio::time::Instant::now() + WAIT;
    while rows(screen.screen()) != want {
        match tokio::time::timeout_at(deadline, read.wait()).await {
            Ok(Some(ChannelMsg::Data { data })) => screen.process(&data),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => panic!("got:\n{}", rows(screen.screen()).join("\n")),
        }
    }
    let _write = typing.await.unwrap();
    assert!(server.dropped_frames() > 0);
    server.stop().await;
}

#[tokio::test]
async fn an_idle_session_sends_nothing_and_a_hang_up_ends_it() {
    let server = start(settings()).await;
    let mut v = visit(server.local_addr(), 80, 24).await;
    // The whole first frame, then silence.
    assert!(
        v.until_screen(&expected(&mut local_app(), 80, 24, &[]))
            .await
    );
    let quiet = tokio::time::timeout(Duration::from_millis(500), v.channel.wait()).await;
    assert!(
        quiet.is_err(),
        "the server sent something to an idle visitor"
    );
    assert_eq!(server.sessions(), 1);
    // The client goes away without a word.
    drop(v);
    let deadline = Instant::now() + WAIT;
    while server.sessions() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.sessions(), 0);
    server.stop().await;
}

/// A client that never reads does not keep its session (or its place) when the session ends.
#[tokio::test]
async fn a_client_that_never_reads_is_cut_off_when_its_session_ends() {
    let server = start(Settings {
        idle_timeout: Duration::from_secs(1),
        ..settings()
    })
    .await;
    let config = client::Config {
        window_size: 4096,
        channel_buffer_size: 1,
        ..client::Config::default()
    };
    let _v = visit_with(
        connect_with(server.local_addr(), config).await,
        200,
        60,
        "xterm",
    )
    .await;
    let deadline = Instant::now() + WAIT;
    while server.sessions() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.sessions(), 1);
    while server.sessions() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(server.sessions(), 0);
    server.stop().await;
}

#[tokio::test]
async fn a_lone_esc_arrives_after_a_pause() {
    let server = start(settings()).await;
    let mut v = visit(server.local_addr(), 80, 24).await;
    let mut app = local_app();
    assert!(v.until_screen(&expected(&mut app, 80, 24, &[])).await);
    v.type_bytes(b"?").await;
    assert!(
        v.until_screen(&expected(&mut app, 80, 24, &[Action::Help]))
            .await
    );
    v.type_bytes(b"\x1b").await;
    assert!(
        v.until_screen(&expected(&mut app, 80, 24, &[Action::Back]))
            .await
    );
    server.stop().await;
}

#[tokio::test]
async fn a_zero_size_pty_gets_80_by_24() {
    let server = start(settings()).await;
    let mut v = connect(server.local_addr()).await;
    v.channel
        .request_pty(false, "xterm", 0, 0, 0, 0, &[])
        .await
        .unwrap();
    v.channel.request_shell(false).await.unwrap();
    let mut app = local_app();
    assert!(v.until_screen(&expected(&mut app, 80, 24, &[])).await);
    server.stop().await;
}

#[tokio::test]
async fn exec_is_refused_with_status_1() {
    let server = start(settings()).await;
    let mut v = connect(server.local_addr()).await;
    v.channel.exec(true, "cat /etc/passwd").await.unwrap();
    assert!(v.until_closed().await);
    assert_eq!(v.exit, Some(1));
    let message = String::from_utf8_lossy(&v.stderr);
    assert!(message.contains("inga kommandon"), "{message}");
    assert_eq!(message.lines().count(), 1);
    server.stop().await;
}

#[tokio::test]
async fn a_shell_without_a_pty_is_refused_with_status_1() {
    let server = start(settings()).await;
    let mut v = connect(server.local_addr()).await;
    v.channel.request_shell(true).await.unwrap();
    assert!(v.until_closed().await);
    assert_eq!(v.exit, Some(1));
    let message = String::from_utf8_lossy(&v.stderr);
    assert!(message.contains("ssh -t"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn sftp_and_forwarding_are_refused() {
    let server = start(settings()).await;
    let v = connect(server.local_addr()).await;
    assert!(
        v.handle
            .channel_open_direct_tcpip("127.0.0.1", 22, "127.0.0.1", 5000)
            .await
            .is_err()
    );
    // A second session channel on the same connection is refused too.
    let mut v = v;
    v.channel.request_subsystem(true, "sftp").await.unwrap();
    assert!(v.until_closed().await);
    assert_eq!(v.exit, Some(1));
    assert!(v.handle.channel_open_session().await.is_err());
    server.stop().await;
}

async fn first_frame(v: &mut Visitor) -> bool {
    v.until(|v| v.text().contains("Mål")).await
}

#[tokio::test]
async fn max_per_ip_is_enforced_and_given_back() {
    let server = start(Settings {
        max_per_ip: 2,
        ..settings()
    })
    .await;
    let addr = server.local_addr();
    let mut a = visit(addr, 80, 24).await;
    let mut b = visit(addr, 80, 24).await;
    assert!(first_frame(&mut a).await && first_frame(&mut b).await);
    let mut c = visit(addr, 80, 24).await;
    assert!(c.until_closed().await);
    assert_eq!(c.exit, Some(1));
    assert!(
        c.text().contains("för många samtidiga sessioner"),
        "{}",
        c.text()
    );
    assert_eq!(server.sessions(), 2);

    a.type_bytes(b"q").await;
    assert!(a.until_closed().await);
    drop(a);
    let deadline = Instant::now() + WAIT;
    while server.sessions() > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut d = visit(addr, 80, 24).await;
    assert!(first_frame(&mut d).await);
    server.stop().await;
}

#[tokio::test]
async fn max_sessions_is_enforced() {
    let server = start(Settings {
        max_sessions: 1,
        ..settings()
    })
    .await;
    let addr = server.local_addr();
    let mut a = visit(addr, 80, 24).await;
    assert!(first_frame(&mut a).await);
    let mut b = visit(addr, 80, 24).await;
    assert!(b.until_closed().await);
    assert_eq!(b.exit, Some(1));
    assert!(b.text().contains("Servern är upptagen"), "{}", b.text());
    server.stop().await;
}

#[tokio::test]
async fn idle_timeout_ends_the_session_and_restores_the_screen() {
    let server = start(Settings {
        idle_timeout: Duration::from_secs(1),
        ..settings()
    })
    .await;
    let mut v = visit(server.local_addr(), 80, 24).await;
    assert!(first_frame(&mut v).await);
    let since = Instant::now();
    assert!(v.until_closed().await);
    assert!(since.elapsed() >= Duration::from_millis(900));
    assert_eq!(v.exit, Some(0));
    assert!(restored(v.screen.screen()));
    assert!(v.text().contains("utan inmatning"), "{}", v.text());
    server.stop().await;
}

#[tokio::test]
async fn input_keeps_an_idle_session_open() {
    let server = start(Settings {
        idle_timeout: Duration::from_secs(2),
        ..settings()
    })
    .await;
    let mut v = visit(server.local_addr(), 80, 24).await;
    assert!(first_frame(&mut v).await);
    // Input every 0.3 s for 3 s: longer than the idle timeout, and the session stays open.
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        v.type_bytes(b"j").await;
    }
    let typed_until = Instant::now();
    assert!(v.first_data.unwrap().elapsed() >= Duration::from_secs(3));
    assert!(v.until_closed().await);
    // It ends only once the input stops.
    assert!(typed_until.elapsed() >= Duration::from_millis(1500));
    server.stop().await;
}

#[tokio::test]
async fn max_session_ends_even_a_busy_session() {
    let server = start(Settings {
        max_session: Duration::from_secs(1),
        ..settings()
    })
    .await;
    let mut v = visit(server.local_addr(), 80, 24).await;
    assert!(first_frame(&mut v).await);
    let typing = async {
        for _ in 0..30 {
            if v.channel.data(&b"j"[..]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    typing.await;
    assert!(v.until_closed().await);
    assert_eq!(v.exit, Some(0));
    assert!(restored(v.screen.screen()));
    assert!(v.text().contains("längsta tid"), "{}", v.text());
    server.stop().await;
}

#[tokio::test]
async fn in_kiosk_mode_no_key_quits() {
    let server = start(Settings {
        kiosk: true,
        ..settings()
    })
    .await;
    let mut v = visit(server.local_addr(), 80, 24).await;
    assert!(first_frame(&mut v).await);
    v.type_bytes(b"q\x03\x1b").await;
    // After the Esc delay, so j is j and not Alt-j.
    tokio::time::sleep(Duration::from_millis(300)).await;
    v.type_bytes(b"j").await;
    let mut app = app_for(Glyphs::Unicode);
    app.config.kiosk = true;
    app.config.idle_reset = Some(Duration::from_secs(120));
    let want = expected(
        &mut app,
        80,
        24,
        &[Action::Touch, Action::Touch, Action::Back, Action::Down],
    );
    assert!(v.until_screen(&want).await);
    assert!(!v.closed);
    server.stop().await;
}

#[tokio::test]
async fn stopping_says_goodbye_to_every_session() {
    let server = start(settings()).await;
    let mut v = visit(server.local_addr(), 80, 24).await;
    assert!(first_frame(&mut v).await);
    let stopping = tokio::spawn(server.stop());
    assert!(v.until_closed().await);
    assert_eq!(v.exit, Some(0));
    assert!(restored(v.screen.screen()));
    assert!(v.text().contains("Servern stängs"), "{}", v.text());
    tokio::time::timeout(WAIT, stopping).await.unwrap().unwrap();
}

#[tokio::test]
async fn the_host_key_is_made_once_and_reused() {
    let s = settings();
    let path = s.host_key.clone();
    let server = start(s.clone()).await;
    let first = server.fingerprint().to_string();
    let v = connect(server.local_addr()).await;
    assert_eq!(v.host_key.lock().unwrap().as_deref(), Some(first.as_str()));
    drop(v);
    server.stop().await;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let server = start(s).await;
    assert_eq!(server.fingerprint(), first);
    let v = connect(server.local_addr()).await;
    assert_eq!(v.host_key.lock().unwrap().as_deref(), Some(first.as_str()));
    server.stop().await;

    // A different file is a different key.
    let other = start(settings()).await;
    assert_ne!(other.fingerprint(), first);
    other.stop().await;
}

/// The TCP_NODELAY option of every socket of this process connected to `server` (the server
/// runs in it), read back from the kernel.
fn nodelay_of_accepted(server: SocketAddr) -> Vec<bool> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let Ok(fd) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        // SAFETY: getsockname, getpeername and getsockopt only read into the buffers given, and
        // fail harmlessly on a descriptor that is not a socket or has closed since.
        unsafe {
            let mut local: libc::sockaddr_in = std::mem::zeroed();
            let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            if libc::getsockname(fd, (&raw mut local).cast(), &mut len) != 0
                || i32::from(local.sin_family) != libc::AF_INET
                || u16::from_be(local.sin_port) != server.port()
            {
                continue;
            }
            let mut peer: libc::sockaddr_in = std::mem::zeroed();
            let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            if libc::getpeername(fd, (&raw mut peer).cast(), &mut len) != 0 {
                continue; // the listening socket
            }
            let mut on: libc::c_int = 0;
            let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
            if libc::getsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_NODELAY,
                (&raw mut on).cast(),
                &mut len,
            ) == 0
            {
                found.push(on != 0);
            }
        }
    }
    found
}

/// Without TCP_NODELAY a stock OpenSSH client waits on Nagle's algorithm and delayed ACKs twice
/// before its first frame (about 80 ms of its 92): every accepted socket has it, a visitor's
/// and one the door turns away alike.
#[tokio::test]
async fn every_accepted_connection_has_tcp_nodelay() {
    let server = start(settings()).await;
    let addr = server.local_addr();
    let mut v = visit(addr, 80, 24).await;
    assert!(first_frame(&mut v).await);
    // A bare TCP connection too, held at the banner.
    let mut bare = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut banner = [0u8; 4];
    tokio::io::AsyncReadExt::read_exact(&mut bare, &mut banner)
        .await
        .unwrap();
    assert_eq!(&banner, b"SSH-");
    let found = nodelay_of_accepted(addr);
    assert_eq!(found, [true, true], "accepted sockets' TCP_NODELAY");
    drop((v, bare));
    server.stop().await;
}

// --- OpenSSH -----------------------------------------------------------------------------------

/// The server binary on a free port; returns the child and the address it printed.
fn spawn_binary(
    extra: &[&str],
) -> (
    std::process::Child,
    SocketAddr,
    std::thread::JoinHandle<String>,
) {
    let dir = temp_dir();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_malbild"))
        .arg("serve")
        .args(["--listen", "127.0.0.1:0", "--host-key"])
        .arg(dir.join("key"))
        .args(extra)
        // The server's own locale is Swedish's, whatever the machine's is.
        .locale("C.UTF-8")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        let mut lines = std::io::BufReader::new(stderr);
        let mut line = String::new();
        let mut tx = Some(tx);
        while std::io::BufRead::read_line(&mut lines, &mut line).unwrap_or(0) > 0 {
            if let Some(rest) = line.split("listening on ").nth(1) {
                let addr = rest.split(',').next().unwrap().trim().to_string();
                if let Some(tx) = tx.take() {
                    let _ = tx.send(addr);
                }
            }
            all.push_str(&line);
            line.clear();
        }
        all
    });
    let addr = rx
        .recv_timeout(WAIT)
        .expect("the server printed its address");
    (child, addr.parse().unwrap(), reader)
}

/// Started by hand with no `--host-key`: the key goes to the user's state directory, made for
/// them alone, and nothing into the working directory.
#[test]
fn a_server_started_by_hand_keeps_its_key_in_the_state_directory() {
    let (home, work, state) = (temp_dir(), temp_dir(), temp_dir());
    let run = |xdg: Option<&Path>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_malbild"));
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .current_dir(&work)
            .env("HOME", &home)
            .env_remove("STATE_DIRECTORY")
            .env_remove("XDG_STATE_HOME")
            .locale("C.UTF-8")
            .stderr(std::process::Stdio::piped());
        if let Some(xdg) = xdg {
            command.env("XDG_STATE_HOME", xdg);
        }
        let mut child = command.spawn().unwrap();
        let mut said = String::new();
        let mut lines = std::io::BufReader::new(child.stderr.take().unwrap());
        while !said.contains("listening on ")
            && std::io::BufRead::read_line(&mut lines, &mut said).unwrap_or(0) > 0
        {}
        // SAFETY: kill only sends a signal to our own child.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        child.wait().unwrap();
        said
    };
    let said = run(None);
    let key = home.join(".local/state/malbild/host_ed25519_key");
    assert!(key.is_file(), "{said}");
    assert!(said.contains(&key.display().to_string()), "{said}");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&key), 0o600);
    assert_eq!(mode(key.parent().unwrap()), 0o700);
    let said = run(Some(&state));
    assert!(state.join("malbild/host_ed25519_key").is_file(), "{said}");
    assert_eq!(
        std::fs::read_dir(&work).unwrap().count(),
        0,
        "the working directory"
    );
    for dir in [home, work, state] {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

fn have_ssh() -> bool {
    let found = std::process::Command::new("ssh")
        .arg("-V")
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !found {
        eprintln!("note: no ssh client on PATH; skipping the OpenSSH test");
    }
    found
}

fn ssh_args(addr: SocketAddr) -> Vec<String> {
    [
        "-F",
        "/dev/null",
        "-p",
        &addr.port().to_string(),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "BatchMode=yes",
        "-o",
        "IdentityFile=/dev/null",
        "127.0.0.1",
    ]
    .map(String::from)
    .to_vec()
}

/// Reads the pty into a vt100 screen on a thread; the screen is shared.
fn read_pty(
    mut reader: Box<dyn Read + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            screen.lock().unwrap().process(&buf[..n]);
        }
    })
}

fn wait_until(what: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if what() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    what()
}

#[test]
fn openssh_client_smoke_and_sigterm() {
    if !have_ssh() {
        return;
    }
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let (mut server, addr, log) = spawn_binary(&[]);

    // `ssh host cmd` is refused with status 1.
    let out = std::process::Command::new("ssh")
        .args(ssh_args(addr))
        .arg("ls")
        .locale("C.UTF-8")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("inga kommandon"));

    let run_ssh = |screen: Arc<Mutex<vt100::Parser>>| {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new("ssh");
        cmd.arg("-tt");
        for a in ssh_args(addr) {
            cmd.arg(a);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.locale("C.UTF-8");
        let child = pty.slave.spawn_command(cmd).unwrap();
        let reader = read_pty(pty.master.try_clone_reader().unwrap(), screen);
        let writer = pty.master.take_writer().unwrap();
        (child, writer, reader, pty.master)
    };

    // A visit: the start screen, a key, q, exit status 0.
    let screen = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
    let (mut child, mut writer, reader, _master) = run_ssh(Arc::clone(&screen));
    let mut app = local_app();
    let start = expected(&mut app, 80, 24, &[]);
    assert!(
        wait_until(|| rows(screen.lock().unwrap().screen()) == start),
        "{}",
        screen.lock().unwrap().screen().contents()
    );
    writer.write_all(b"j").unwrap();
    let down = expected(&mut app, 80, 24, &[Action::Down]);
    assert!(wait_until(|| rows(screen.lock().unwrap().screen()) == down));
    writer.write_all(b"q").unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    reader.join().unwrap();
    assert!(restored(screen.lock().unwrap().screen()));

    // SIGTERM with a visitor on: goodbye, ssh exits 0, the server exits 0.
    let screen = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
    let (mut child, _writer, reader, _master) = run_ssh(Arc::clone(&screen));
    assert!(wait_until(|| screen
        .lock()
        .unwrap()
        .screen()
        .contents()
        .contains("Mål")));
    // SAFETY: kill only sends a signal to our own child.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    reader.join().unwrap();
    let screen = screen.lock().unwrap();
    assert!(restored(screen.screen()));
    assert!(screen.screen().contents().contains("Servern stängs"));
    let code = server.wait().unwrap();
    assert_eq!(code.code(), Some(0));
    let log = log.join().unwrap();
    // One line at the start and one at the end of each session, never what was typed.
    assert_eq!(log.matches("start 127.0.0.1:").count(), 2, "{log}");
    assert_eq!(log.matches("end 127.0.0.1:").count(), 2, "{log}");
    assert!(
        log.contains("reason=quit") && log.contains("reason=shutdown"),
        "{log}"
    );
    assert!(
        log.contains("refused 127.0.0.1:") && log.contains("reason=exec"),
        "{log}"
    );
}

/// A visitor whose OpenSSH client forwards `LANG=fi_FI.UTF-8` (`SendEnv LANG`) is answered in
/// Finnish, on screen and in a refusal, and reads the data file's Finnish translation; a server
/// started with `--lang` speaks its language to everyone.
#[test]
fn openssh_forwards_a_finnish_locale() {
    if !have_ssh() {
        return;
    }
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let ssh = |addr: SocketAddr, lang: &str, command: &str| {
        let mut ssh = std::process::Command::new("ssh");
        ssh.args(["-o", "SendEnv=LANG"])
            .args(ssh_args(addr))
            .arg(command)
            .locale(lang);
        let out = ssh.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let translated = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/translated.ron");
    let (mut server, addr, _log) = spawn_binary(&["--data", translated]);
    let said = ssh(addr, "fi_FI.UTF-8", "ls");
    assert!(said.contains("Täällä ei ole komentoja"), "{said}");
    let said = ssh(addr, "en_GB.UTF-8", "ls");
    assert!(said.contains("There are no commands here"), "{said}");
    let said = ssh(addr, "C.UTF-8", "ls");
    assert!(said.contains("Här finns inga kommandon"), "{said}");

    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new("ssh");
    cmd.args(["-tt", "-o", "SendEnv=LANG"]);
    for a in ssh_args(addr) {
        cmd.arg(a);
    }
    cmd.env("TERM", "xterm-256color");
    cmd.locale("fi_FI.UTF-8");
    let screen = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    // Only ssh holds the pty's other end: when it exits, the reader sees the end.
    drop(pty.slave);
    let reader = read_pty(pty.master.try_clone_reader().unwrap(), Arc::clone(&screen));
    let mut writer = pty.master.take_writer().unwrap();
    let outline = malbild::content::load_file(std::path::Path::new(translated)).unwrap();
    let mut app = App::new(
        outline,
        Config {
            lang: malbild::i18n::Lang::Fi,
            glyphs: Glyphs::Unicode,
            colour: true,
            mouse: true,
            ..Config::default()
        },
        Instant::now(),
    );
    let start = expected(&mut app, 80, 24, &[]);
    assert!(start.iter().any(|r| r.contains("Tavoitteet")), "{start:?}");
    assert!(
        start.iter().any(|r| r.contains("Kaikkien kunta")),
        "{start:?}"
    );
    assert!(
        wait_until(|| rows(screen.lock().unwrap().screen()) == start),
        "{}",
        screen.lock().unwrap().screen().contents()
    );
    writer.write_all(b"q").unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    reader.join().unwrap();
    // SAFETY: kill only sends a signal to our own child.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    assert_eq!(server.wait().unwrap().code(), Some(0));

    let (mut server, addr, _log) = spawn_binary(&["--lang", "sv"]);
    let said = ssh(addr, "fi_FI.UTF-8", "ls");
    assert!(said.contains("Här finns inga kommandon"), "{said}");
    // SAFETY: as above.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    assert_eq!(server.wait().unwrap().code(), Some(0));
}

// --- Load -------------------------------------------------------------------------------------

/// 100 visitors at once, 50 keys each; every one must end on the right screen. Prints the
/// server's RSS and the median time from connect to the first frame.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load test: run with --ignored"]
async fn hundred_concurrent_sessions() {
    const SESSIONS: usize = 100;
    const KEYS: &[u8] = b"jjlkjhjlGgjjjkkl\tjjkj\tkjjjGgjlhjjkkjjl\tjkjjjkljjjh";
    assert_eq!(KEYS.len(), 50);
    let (mut server, addr, _log) = spawn_binary(&[
        "--max-sessions",
        "200",
        "--max-per-ip",
        "200",
        "--max-startups",
        "200",
        "--max-startups-per-ip",
        "200",
    ]);
    // One at a time first: the cost of a connection on an idle server.
    let mut alone = Vec::new();
    for _ in 0..10 {
        let t0 = Instant::now();
        let mut v = visit(addr, 80, 24).await;
        assert!(first_frame(&mut v).await);
        alone.push(v.first_data.unwrap() - t0);
        v.type_bytes(b"q").await;
        assert!(v.until_closed().await);
    }
    alone.sort();
    println!(
        "one at a time: connect to first frame, median {:?}",
        alone[alone.len() / 2]
    );
    let want = {
        let mut app = local_app();
        let mut events = Vec::new();
        malbild::input::Decoder::default().feed(KEYS, &mut events);
        let actions: Vec<Action> = events
            .iter()
            .filter_map(|e| keymap::map(e, Context::default()))
            .collect();
        expected(&mut app, 80, 24, &actions)
    };
    let want = Arc::new(want);
    // Everyone connects at once; the typing starts when all have their first frame, so the
    // burst's figure is the connections' own.
    let all_in = Arc::new(tokio::sync::Barrier::new(SESSIONS));
    let server_pid = server.id().to_string();
    let before = (cpu_time(&server_pid), cpu_time("self"));
    let burst_cpu = Arc::new(Mutex::new(None));
    let mut tasks = Vec::new();
    for _ in 0..SESSIONS {
        let (want, all_in) = (Arc::clone(&want), Arc::clone(&all_in));
        let (burst_cpu, server_pid) = (Arc::clone(&burst_cpu), server_pid.clone());
        tasks.push(tokio::spawn(async move {
            let t0 = Instant::now();
            let mut v = visit(addr, 80, 24).await;
            assert!(first_frame(&mut v).await);
            let first = v.first_data.unwrap() - t0;
            if all_in.wait().await.is_leader() {
                // The last one in: what the burst cost each side.
                *burst_cpu.lock().unwrap() = Some((cpu_time(&server_pid), cpu_time("self")));
            }
            for k in KEYS {
                v.type_bytes(&[*k]).await;
            }
            let ok = v.until_screen(&want).await;
            (ok, first, v)
        }));
    }
    let mut firsts = Vec::new();
    let mut visitors = Vec::new();
    for t in tasks {
        let (ok, first, v) = t.await.unwrap();
        assert!(ok, "a session ended on the wrong screen");
        firsts.push(first);
        visitors.push(v);
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.id())).unwrap();
    let rss = status
        .lines()
        .find(|l| l.starts_with("VmRSS"))
        .unwrap_or("VmRSS: ?")
        .to_string();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?")
        .to_string();
    firsts.sort();
    let (server_after, client_after) = burst_cpu.lock().unwrap().expect("everyone got in");
    println!(
        "the burst's CPU, per connection: server {:?}, test clients {:?}",
        (server_after - before.0) / SESSIONS as u32,
        (client_after - before.1) / SESSIONS as u32
    );
    println!(
        "{SESSIONS} sessions: server {rss}, peak {hwm}; connect to first frame: median {:?}, max {:?}",
        firsts[firsts.len() / 2],
        firsts[firsts.len() - 1]
    );
    for v in &visitors {
        v.type_bytes(b"q").await;
    }
    for v in &mut visitors {
        assert!(v.until_closed().await);
        assert_eq!(v.exit, Some(0));
    }
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    assert_eq!(server.wait().unwrap().code(), Some(0));
}

/// CPU time (user and system) a process has used so far, from /proc.
fn cpu_time(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

// --- Options ----------------------------------------------------------------------------------

fn parse(args: &[&str]) -> Result<serve::Parsed, String> {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    serve::parse(&args, malbild::i18n::Lang::Sv)
}

#[test]
fn options_have_the_documented_defaults() {
    let Ok(serve::Parsed::Run(s)) = parse(&[]) else {
        panic!("no options is a valid start")
    };
    assert_eq!(s.listen, "127.0.0.1:2222".parse().unwrap());
    assert_eq!((s.max_sessions, s.max_per_ip), (64, 16));
    assert_eq!((s.max_startups, s.max_startups_per_ip), (64, 8));
    assert_eq!(s.login_grace, Duration::from_secs(15));
    assert_eq!(s.idle_timeout, Duration::from_secs(600));
    assert_eq!(s.max_session, Duration::from_secs(3600));
    assert!(!s.kiosk);
}

#[test]
fn options_are_read_and_mistakes_are_told_in_the_language() {
    let Ok(serve::Parsed::Run(s)) = parse(&[
        "--listen=0.0.0.0:22",
        "--max-sessions",
        "10",
        "--max-per-ip=2",
        "--idle-timeout",
        "5",
        "--kiosk",
        "--lang",
        "en",
    ]) else {
        panic!("valid options")
    };
    assert_eq!(s.listen, "0.0.0.0:22".parse().unwrap());
    assert_eq!((s.max_sessions, s.max_per_ip), (10, 2));
    assert_eq!(s.idle_timeout, Duration::from_secs(5));
    assert!(s.kiosk);
    assert_eq!(s.lang, malbild::i18n::Lang::En);
    assert!(parse(&["--bogus"]).unwrap_err().contains("okänt argument"));
    assert!(
        parse(&["--lang", "en", "--listen", "nowhere"])
            .unwrap_err()
            .contains("ADDRESS:PORT")
    );
    assert!(parse(&["--max-sessions", "0"]).is_err());
    assert!(parse(&["--idle-timeout"]).is_err());
}

#[test]
fn max_per_ip_counts_an_ipv6_slash_64_as_one_address() {
    use std::net::IpAddr;
    let group = |a: &str| serve::address_group(a.parse::<IpAddr>().unwrap());
    assert_eq!(group("192.0.2.7"), group("192.0.2.7"));
    assert_ne!(group("192.0.2.7"), group("192.0.2.8"));
    assert_eq!(group("2001:db8:1:2::1"), group("2001:db8:1:2:ffff::9"));
    assert_ne!(group("2001:db8:1:2::1"), group("2001:db8:1:3::1"));
    assert_eq!(group("::ffff:192.0.2.7"), group("192.0.2.7"));
}
