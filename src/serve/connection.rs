//! One TCP connection from accept to close, under one deadline: from accept through the
//! banner, the key exchange and the login to a running pty and shell, nothing the client sends
//! buys more time.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use super::admission::{Ticket, Turned};
use super::{Progress, Shared, handler, log, messages, stopped};

/// How long a connection may stay open after its session has ended.
const AFTER_SESSION: Duration = Duration::from_secs(2);
/// How long a disconnect message may take before the connection is simply cut.
const DISCONNECT_GRACE: Duration = Duration::from_millis(500);

pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut quiet = Quiet::default();
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
        // Every exchange is a few small packets each way: left to Nagle's algorithm, each
        // waits for the peer's delayed ACK (about 40 ms, twice before OpenSSH's first frame).
        // russh sets this only in its own accept loop, which this is not.
        if let Err(e) = socket.set_nodelay(true) {
            eprintln!("malbild serve: TCP_NODELAY for {peer}: {e}");
        }
        let ticket = match shared.door.arrive(peer.ip(), std::time::Instant::now()) {
            Ok(t) => t,
            Err(turned) => {
                quiet.log(peer, turned);
                turn_away(socket, &shared);
                continue;
            }
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

/// The busy line, before the SSH banner (RFC 4253 allows lines there), then close: one write
/// and no key exchange, so turning a flood away costs next to nothing.
fn turn_away(socket: TcpStream, shared: &Shared) {
    let line = format!("{}\r\n", messages(shared.settings.lang).busy);
    // What the client already sent would turn the close into a reset that can eat the line.
    let _ = socket.try_read(&mut [0u8; 512]);
    let _ = socket.try_write(line.as_bytes());
    if let Ok(socket) = socket.into_std() {
        let _ = socket.shutdown(std::net::Shutdown::Write);
    }
}

/// Connections turned away are logged at most once a second, with a count, so a flood of
/// them cannot flood the log too.
#[derive(Default)]
struct Quiet {
    last: Option<Instant>,
    unlogged: u64,
}

impl Quiet {
    fn log(&mut self, peer: SocketAddr, turned: Turned) {
        let now = Instant::now();
        if self.last.is_some_and(|t| now < t + Duration::from_secs(1)) {
            self.unlogged += 1;
            return;
        }
        let more = match self.unlogged {
            0 => String::new(),
            n => format!(" (and {n} more turned away since the last line)"),
        };
        log(&format!("refused {peer} reason={}{more}", turned.name()));
        self.last = Some(now);
        self.unlogged = 0;
    }
}

/// Where a connection is when its deadline passes, as logged.
fn stage(progress: &Progress) -> &'static str {
    let flag = |f: &AtomicBool| f.load(Ordering::SeqCst);
    if flag(&progress.pty) {
        "pty"
    } else if flag(&progress.opened) {
        "channel"
    } else if flag(&progress.authed) {
        "login"
    } else {
        "key-exchange"
    }
}

async fn connection(shared: &Arc<Shared>, socket: TcpStream, peer: SocketAddr, ticket: Ticket) {
    let deadline = Instant::now() + shared.settings.login_grace;
    let ticket = Arc::new(ticket);
    let evicted = ticket.evicted();
    let (stream, cut) = Guarded::new(socket);
    let progress = Arc::new(Progress::default());
    let visitor = handler::Visitor {
        shared: Arc::clone(shared),
        peer,
        ticket: Arc::clone(&ticket),
        progress: Arc::clone(&progress),
    };
    let config = Arc::clone(&shared.config);
    let mut shutdown = shared.shutdown.clone();
    let running = tokio::select! {
        r = russh::server::run_stream(config, stream, visitor) => r.ok(),
        _ = tokio::time::sleep_until(deadline) => {
            log(&format!("closed {peer} reason=deadline stage=banner"));
            None
        }
        _ = evicted.notified() => {
            log(&format!("closed {peer} reason=evicted stage=banner"));
            None
        }
        _ = stopped(&mut shutdown) => None,
    };
    // Without a session the stream was dropped here, and the socket with it.
    let Some(running) = running else { return };
    let handle = running.handle();
    tokio::pin!(running);
    let disconnect = |why: &str| {
        let handle = handle.clone();
        let why = why.to_string();
        async move {
            let _ = tokio::time::timeout(
                DISCONNECT_GRACE,
                handle.disconnect(russh::Disconnect::ByApplication, why, String::new()),
            )
            .await;
        }
    };
    let messages = messages(shared.settings.lang);
    let opened = || progress.opened.load(Ordering::SeqCst);
    let mut give_up: Option<Instant> = None;
    let ended = 'wait: loop {
        tokio::select! {
            _ = &mut running => break 'wait false,
            _ = progress.ended.notified() => break 'wait true,
            _ = tokio::time::sleep_until(deadline), if !ticket.is_session() => {
                if !ticket.is_session() {
                    log(&format!("closed {peer} reason=deadline stage={}", stage(&progress)));
                    disconnect("").await;
                    break 'wait false;
                }
            }
            _ = evicted.notified(), if !ticket.is_session() => {
                log(&format!("closed {peer} reason=evicted stage={}", stage(&progress)));
                break 'wait false;
            }
            _ = stopped(&mut shutdown), if give_up.is_none() => {
                if !opened() {
                    disconnect(messages.shutdown).await;
                    break 'wait false;
                }
                give_up = Some(Instant::now() + super::SHUTDOWN_GRACE);
            }
            _ = tokio::time::sleep_until(give_up.unwrap_or(deadline)), if give_up.is_some() => {
                disconnect(messages.shutdown).await;
                break 'wait false;
            }
        }
    };
    if ended {
        // The connection does not outlive its session.
        tokio::select! {
            _ = &mut running => {}
            _ = tokio::time::sleep(AFTER_SESSION) => disconnect("").await,
        }
    }
    // The SSH task owns the socket and may be waiting on it: make it fail, so the task ends and
    // the socket closes whatever the client does.
    cut.cut();
    let was_session = ticket.is_session();
    drop(ticket);
    if was_session {
        super::admission::give_back_memory();
    }
}

/// A kill switch for a stream another task owns.
#[derive(Default)]
struct Cut {
    done: AtomicBool,
    wakers: Mutex<[Option<Waker>; 2]>,
}

impl Cut {
    fn cut(&self) {
        self.done.store(true, Ordering::SeqCst);
        let wakers = std::mem::take(&mut *self.wakers.lock().unwrap_or_else(|e| e.into_inner()));
        for w in wakers.into_iter().flatten() {
            w.wake();
        }
    }

    /// `Some(error)` once cut; else remembers who to wake (0 reading, 1 writing).
    fn check(&self, which: usize, cx: &Context<'_>) -> Option<io::Error> {
        if !self.done.load(Ordering::SeqCst) {
            let mut wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
            match &wakers[which] {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => wakers[which] = Some(cx.waker().clone()),
            }
        }
        // Checked again after the waker is stored, so a cut in between is not missed.
        self.done
            .load(Ordering::SeqCst)
            .then(|| io::Error::from(io::ErrorKind::ConnectionAborted))
    }
}

/// The TCP stream as the SSH task sees it, failing every call once cut.
struct Guarded {
    inner: TcpStream,
    cut: Arc<Cut>,
}

impl Guarded {
    fn new(inner: TcpStream) -> (Guarded, Arc<Cut>) {
        let cut = Arc::new(Cut::default());
        (
            Guarded {
                inner,
                cut: Arc::clone(&cut),
            },
            cut,
        )
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(e) = self.cut.check(0, cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(e) = self.cut.check(1, cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.cut.check(1, cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
