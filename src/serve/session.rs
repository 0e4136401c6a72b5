//! One visitor's session channel: the requests before the interface starts, then the same
//! event → action → update → draw loop as the local terminal, with the channel as the terminal.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use russh::server::{Handle, Msg};
use russh::{Channel, ChannelMsg, ChannelWriteHalf};
use tokio::sync::mpsc;

use super::admission::{Refusal, Ticket, pty_size};
use super::options::Locale;
use super::{Progress, Shared, log, messages};
use crate::app::{App, Config};
use crate::i18n::Lang;
use crate::session::{LEAVE, Session};
use crate::theme::Glyphs;

/// Frames waiting for a slow client; past this frames are dropped and one full frame is sent
/// when the client catches up.
const FRAMES_IN_FLIGHT: usize = 2;
/// How long the goodbye may take to leave before the connection is cut.
const GOODBYE_GRACE: Duration = Duration::from_secs(2);
/// TERM as logged and used: printable ASCII, this long at most.
const MAX_TERM: usize = 64;

/// What the session task hands to the channel writer.
enum Out {
    Bytes(Vec<u8>),
    /// Exit status, EOF, close: the end of the channel.
    Finish(u32),
}

/// Why a session ended, as logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Quit,
    Idle,
    MaxSession,
    Shutdown,
    /// The client sent EOF: no more input can come.
    Eof,
    /// The client closed the channel or went away.
    Closed,
}

impl End {
    fn name(self) -> &'static str {
        match self {
            End::Quit => "quit",
            End::Idle => "idle",
            End::MaxSession => "max-session",
            End::Shutdown => "shutdown",
            End::Eof => "eof",
            End::Closed => "closed",
        }
    }
}

/// The pty the client asked for.
struct Pty {
    term: String,
    width: u16,
    height: u16,
}

fn clean_term(term: &str) -> String {
    let t: String = term
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(MAX_TERM)
        .collect();
    if t.is_empty() { "-".into() } else { t }
}

/// Runs one session channel to its end.
pub(crate) async fn run(
    shared: Arc<Shared>,
    channel: Channel<Msg>,
    handle: Handle,
    peer: SocketAddr,
    ticket: Arc<Ticket>,
    progress: Arc<Progress>,
) {
    let (mut read, write) = channel.split();
    let mut locale = Locale::default();
    let mut pty: Option<Pty> = None;
    // The requests before the interface: a pty, then a shell; anything else is refused.
    let refuse = loop {
        match read.wait().await {
            Some(ChannelMsg::RequestPty {
                term,
                col_width,
                row_height,
                ..
            }) => {
                let (width, height) = pty_size(col_width, row_height);
                pty = Some(Pty {
                    term: clean_term(&term),
                    width,
                    height,
                });
            }
            Some(ChannelMsg::WindowChange {
                col_width,
                row_height,
                ..
            }) => {
                if let Some(p) = pty.as_mut() {
                    (p.width, p.height) = pty_size(col_width, row_height);
                }
            }
            // OpenSSH sends the forwarded environment before the shell.
            Some(ChannelMsg::SetEnv {
                variable_name,
                variable_value,
                ..
            }) => locale.set(&variable_name, &variable_value),
            // Only here does the connection become a session, counted against the limits.
            Some(ChannelMsg::RequestShell { .. }) => {
                let text = messages(shared.settings.lang_for(&locale));
                match pty.as_ref().map(|_| ticket.start_session()) {
                    None => break Some((text.no_pty, "no-pty")),
                    Some(Err(Refusal::Busy)) => break Some((text.busy, "busy")),
                    Some(Err(Refusal::PerIp)) => break Some((text.per_ip, "per-ip")),
                    Some(Ok(())) => break None,
                }
            }
            Some(ChannelMsg::Exec { .. }) => {
                let text = messages(shared.settings.lang_for(&locale));
                break Some((text.exec, "exec"));
            }
            Some(ChannelMsg::RequestSubsystem { .. }) => break Some(("", "subsystem")),
            Some(ChannelMsg::Eof | ChannelMsg::Close) | None => {
                progress.ended.notify_one();
                return;
            }
            Some(_) => {}
        }
    };
    if let Some((message, reason)) = refuse {
        log(&format!(
            "refused {peer} term={} reason={reason}",
            pty.as_ref().map_or("-", |p| p.term.as_str())
        ));
        let line = match (&pty, message.is_empty()) {
            (_, true) => None,
            // In a pty the terminal shows stdout; without one, a refusal belongs on stderr.
            (Some(_), false) => Some((0, format!("{message}\r\n"))),
            (None, false) => Some((1, format!("{message}\n"))),
        };
        let _ = tokio::time::timeout(GOODBYE_GRACE, async {
            if let Some((ext, line)) = line {
                let _ = if ext == 0 {
                    write.data_bytes(line.into_bytes()).await
                } else {
                    write.extended_data_bytes(ext, line.into_bytes()).await
                };
            }
            let _ = write.exit_status(1).await;
            let _ = write.eof().await;
            let _ = write.close().await;
        })
        .await;
        progress.ended.notify_one();
        return;
    }
    let Some(pty) = pty else { return };
    let started = Instant::now();
    log(&format!(
        "start {peer} term={} size={}x{}",
        pty.term, pty.width, pty.height
    ));
    let bytes_out = Arc::new(AtomicU64::new(0));
    let (out, out_rx) = mpsc::channel(FRAMES_IN_FLIGHT);
    let writer = tokio::spawn(writer(write, out_rx, Arc::clone(&bytes_out)));
    let stuck_writer = writer.abort_handle();
    let mut visit = Visit::new(&shared, &pty, shared.settings.lang_for(&locale), started);
    let end = visit.run(&mut read, &out, &shared).await;
    let app = visit.session.app();
    let (width, height, dropped) = (app.width, app.height, visit.dropped);
    // The goodbye in the language the visitor was reading.
    let text = messages(app.lang);
    drop(visit);
    let goodbye = match end {
        End::Idle => Some(text.idle),
        End::MaxSession => Some(text.max_session),
        End::Shutdown => Some(text.shutdown),
        End::Quit | End::Eof | End::Closed => None,
    };
    let finished = tokio::time::timeout(GOODBYE_GRACE, async {
        if end != End::Closed {
            let mut bytes = LEAVE.to_vec();
            if let Some(g) = goodbye {
                bytes.extend_from_slice(g.as_bytes());
                bytes.extend_from_slice(b"\r\n");
            }
            let _ = out.send(Out::Bytes(bytes)).await;
            let _ = out.send(Out::Finish(0)).await;
        }
        drop(out);
        writer.await
    });
    if finished.await.is_err() {
        // The client stopped reading: the writer is stuck on a full window.
        stuck_writer.abort();
        let _ = handle
            .disconnect(
                russh::Disconnect::ByApplication,
                String::new(),
                String::new(),
            )
            .await;
    }
    log(&format!(
        "end {peer} term={} size={width}x{height} duration={:.1}s bytes_out={} dropped_frames={dropped} reason={}",
        pty.term,
        started.elapsed().as_secs_f64(),
        bytes_out.load(Ordering::Relaxed),
        end.name()
    ));
    progress.ended.notify_one();
}

/// Writes to the channel in order, as fast as the client's window allows.
async fn writer(
    write: ChannelWriteHalf<Msg>,
    mut rx: mpsc::Receiver<Out>,
    bytes_out: Arc<AtomicU64>,
) {
    while let Some(out) = rx.recv().await {
        match out {
            Out::Bytes(b) => {
                let n = b.len() as u64;
                if write.data_bytes(b).await.is_err() {
                    return;
                }
                bytes_out.fetch_add(n, Ordering::Relaxed);
            }
            Out::Finish(status) => {
                let _ = write.exit_status(status).await;
                let _ = write.eof().await;
                let _ = write.close().await;
                return;
            }
        }
    }
}

/// The interface of one visitor: the session core, with the server's own limits around it.
struct Visit {
    session: Session,
    /// Frames were dropped: the client is behind.
    behind: bool,
    /// Frames dropped in this session.
    dropped: u64,
    last_input: Instant,
    started: Instant,
    idle_timeout: Duration,
    max_session: Duration,
}

impl Visit {
    fn new(shared: &Shared, pty: &Pty, lang: Lang, started: Instant) -> Visit {
        let settings = &shared.settings;
        let config = Config {
            kiosk: settings.kiosk,
            lang,
            glyphs: Glyphs::detect(Some(&pty.term), None, None, Some("C.UTF-8")),
            colour: true,
            mouse: true,
            idle_reset: settings.kiosk.then_some(Duration::from_secs(120)),
            ..Config::default()
        };
        let app = App::new(shared.outline.clone(), config, started);
        Visit {
            session: Session::new(app, None, pty.width, pty.height, started),
            behind: false,
            dropped: 0,
            last_input: started,
            started,
            idle_timeout: settings.idle_timeout,
            max_session: settings.max_session,
        }
    }

    /// The next moment something is due without input.
    fn next_deadline(&self) -> Instant {
        let due = (self.last_input + self.idle_timeout).min(self.started + self.max_session);
        self.session.deadline().map_or(due, |d| due.min(d))
    }

    /// Hands what the session has to write to the writer, or drops it when the client is
    /// behind; the frame after that repaints everything.
    fn send(&mut self, out: &mpsc::Sender<Out>, shared: &Shared) {
        if self.behind {
            return;
        }
        let bytes = self.session.take_output();
        if bytes.is_empty() {
            return;
        }
        if let Err(mpsc::error::TrySendError::Full(_)) = out.try_send(Out::Bytes(bytes)) {
            self.behind = true;
            self.session.repaint();
            self.dropped += 1;
            shared.dropped_frames.fetch_add(1, Ordering::Relaxed);
        }
    }

    async fn run(
        &mut self,
        read: &mut russh::ChannelReadHalf,
        out: &mpsc::Sender<Out>,
        shared: &Shared,
    ) -> End {
        let mut shutdown = shared.shutdown.clone();
        if out
            .send(Out::Bytes(self.session.take_output()))
            .await
            .is_err()
        {
            return End::Closed;
        }
        loop {
            let due = self.next_deadline();
            tokio::select! {
                msg = read.wait() => {
                    let now = Instant::now();
                    match msg {
                        Some(ChannelMsg::Data { data }) => {
                            self.last_input = now;
                            self.session.feed(&data, now);
                        }
                        Some(ChannelMsg::WindowChange { col_width, row_height, .. }) => {
                            let (width, height) = pty_size(col_width, row_height);
                            self.session.resize(width, height, now);
                        }
                        Some(ChannelMsg::Eof) => return End::Eof,
                        Some(ChannelMsg::Close) | None => return End::Closed,
                        Some(_) => {}
                    }
                }
                _ = tokio::time::sleep_until(due.into()) => {
                    let now = Instant::now();
                    self.session.tick(now);
                    if self.last_input + self.idle_timeout <= now {
                        return End::Idle;
                    }
                    if self.started + self.max_session <= now {
                        return End::MaxSession;
                    }
                }
                permit = out.reserve(), if self.behind => {
                    let Ok(permit) = permit else { return End::Closed };
                    self.behind = false;
                    permit.send(Out::Bytes(self.session.take_output()));
                }
                _ = super::stopped(&mut shutdown) => return End::Shutdown,
            }
            if self.session.ended().is_some() {
                return End::Quit;
            }
            self.send(out, shared);
            // A frame is the costly step: other visitors' tasks run before this one's next.
            tokio::task::yield_now().await;
        }
    }
}
