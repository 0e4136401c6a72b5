//! One visitor's session channel: the requests before the interface starts, then the same
//! event → action → update → draw loop as the local terminal, with the channel as the terminal.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ratatui::layout::{Rect, Size};
use ratatui::{Terminal, TerminalOptions, Viewport};
use russh::server::{Handle, Msg};
use russh::{Channel, ChannelMsg, ChannelWriteHalf};
use tokio::sync::mpsc;

use super::input::Decoder;
use super::{Progress, Refusal, Shared, log, messages};
use crate::app::{Action, App, Config};
use crate::backend::{Lean, SizeSource};
use crate::keymap::{self, Context};
use crate::theme::Glyphs;
use crate::ui;

/// What the local interface turns on at start: the alternate screen, a hidden cursor,
/// bracketed paste, and mouse clicks and wheel in SGR encoding.
const ENTER: &[u8] = b"\x1b[?1049h\x1b[?25l\x1b[?2004h\x1b[?1000h\x1b[?1006h";
/// And turns off on the way out.
const LEAVE: &[u8] = b"\x1b[?1006l\x1b[?1000l\x1b[?2004l\x1b[?1049l\x1b[?25h";
/// Before a full redraw: default colours, then a blank screen.
const CLEAR: &[u8] = b"\x1b[0m\x1b[H\x1b[2J";

/// A lone Esc is the Esc key once this long has passed without the rest of a sequence.
pub const ESC_DELAY: Duration = Duration::from_millis(50);
/// The size when the client sends none (0×0), and the largest accepted.
const DEFAULT_SIZE: (u16, u16) = (80, 24);
const MAX_SIDE: u32 = 500;
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

/// A side from the client: 0 means "not given", and nothing is larger than [`MAX_SIDE`].
fn side(value: u32, default: u16) -> u16 {
    match value {
        0 => default,
        v => v.min(MAX_SIDE) as u16,
    }
}

/// The size from a pty request or a window change.
fn size(cols: u32, rows: u32) -> (u16, u16) {
    (side(cols, DEFAULT_SIZE.0), side(rows, DEFAULT_SIZE.1))
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
    refusal: Option<Refusal>,
    progress: Arc<Progress>,
) {
    let (mut read, write) = channel.split();
    let text = messages(shared.settings.lang);
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
                let (width, height) = size(col_width, row_height);
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
                    (p.width, p.height) = size(col_width, row_height);
                }
            }
            Some(ChannelMsg::RequestShell { .. }) => match (refusal, &pty) {
                (Some(Refusal::Busy), _) => break Some((text.busy, "busy")),
                (Some(Refusal::PerIp), _) => break Some((text.per_ip, "per-ip")),
                (None, None) => break Some((text.no_pty, "no-pty")),
                (None, Some(_)) => break None,
            },
            Some(ChannelMsg::Exec { .. }) => {
                break Some(match refusal {
                    Some(Refusal::Busy) => (text.busy, "busy"),
                    Some(Refusal::PerIp) => (text.per_ip, "per-ip"),
                    None => (text.exec, "exec"),
                });
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
    let mut visit = Visit::new(&shared, &pty, started);
    let end = visit.run(&mut read, &out, &shared).await;
    let (width, height, dropped) = (visit.app.width, visit.app.height, visit.dropped);
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

/// Where the terminal writes: a buffer the session takes each frame from.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Sink {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

type Term = Terminal<Lean<Sink>>;

/// A terminal of this size that writes into `sink`; a fixed viewport, so ratatui never asks
/// the server's own terminal for its size.
fn terminal(sink: &Sink, width: u16, height: u16) -> io::Result<Term> {
    Terminal::with_options(
        Lean::new(sink.clone(), SizeSource::Fixed(Size::new(width, height))),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
        },
    )
}

/// The interface state of one visitor.
struct Visit {
    app: App,
    term: Term,
    sink: Sink,
    decoder: Decoder,
    /// The next frame must repaint the whole screen (start, resize, after dropped frames).
    full: bool,
    /// Frames were dropped: the client is behind.
    behind: bool,
    /// Frames dropped in this session.
    dropped: u64,
    /// Something changed since the last frame.
    dirty: bool,
    last_input: Instant,
    started: Instant,
    esc_due: Option<Instant>,
    idle_timeout: Duration,
    max_session: Duration,
}

impl Visit {
    fn new(shared: &Shared, pty: &Pty, started: Instant) -> Visit {
        let settings = &shared.settings;
        let config = Config {
            kiosk: settings.kiosk,
            lang: settings.lang,
            glyphs: Glyphs::detect(Some(&pty.term), None, None, Some("C.UTF-8")),
            colour: true,
            mouse: true,
            idle_reset: settings.kiosk.then_some(Duration::from_secs(120)),
            ..Config::default()
        };
        let mut app = App::new(shared.outline.clone(), config, started);
        app.update(
            Action::Resize {
                width: pty.width,
                height: pty.height,
            },
            started,
        );
        let sink = Sink::default();
        Visit {
            term: terminal(&sink, pty.width, pty.height).expect("a buffer terminal cannot fail"),
            sink,
            app,
            decoder: Decoder::default(),
            full: true,
            behind: false,
            dropped: 0,
            dirty: true,
            last_input: started,
            started,
            esc_due: None,
            idle_timeout: settings.idle_timeout,
            max_session: settings.max_session,
        }
    }

    /// The next moment something is due without input.
    fn next_deadline(&self) -> Instant {
        let mut due = (self.last_input + self.idle_timeout).min(self.started + self.max_session);
        if let Some(d) = self.app.deadline() {
            due = due.min(d);
        }
        if let Some(d) = self.esc_due {
            due = due.min(d);
        }
        due
    }

    fn act(&mut self, event: &ratatui::crossterm::event::Event, now: Instant) {
        if let Some(action) = keymap::map(event, Context::of(&self.app, None)) {
            self.dirty |= self.app.update(action, now);
        }
    }

    /// Renders what changed (everything after `full`) into bytes for the channel.
    fn frame(&mut self) -> Vec<u8> {
        let mut bytes = Vec::new();
        if self.full {
            self.term = terminal(&self.sink, self.app.width, self.app.height)
                .expect("a buffer terminal cannot fail");
            bytes.extend_from_slice(CLEAR);
            self.full = false;
        }
        let app = &self.app;
        let _ = ui::draw(&mut self.term, app);
        bytes.append(&mut self.sink.take());
        self.dirty = false;
        bytes
    }

    /// Hands a frame to the writer, or drops it when the client is behind.
    fn send_frame(&mut self, out: &mpsc::Sender<Out>, shared: &Shared) {
        if self.behind {
            return;
        }
        let bytes = self.frame();
        if let Err(mpsc::error::TrySendError::Full(_)) = out.try_send(Out::Bytes(bytes)) {
            self.behind = true;
            self.full = true;
            self.dirty = true;
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
        let mut start = ENTER.to_vec();
        start.extend_from_slice(&self.frame());
        if out.send(Out::Bytes(start)).await.is_err() {
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
                            for event in self.decoder.feed(&data) {
                                self.act(&event, now);
                            }
                            self.esc_due = self.decoder.needs_flush().then(|| now + ESC_DELAY);
                        }
                        Some(ChannelMsg::WindowChange { col_width, row_height, .. }) => {
                            let (width, height) = size(col_width, row_height);
                            self.app.update(Action::Resize { width, height }, now);
                            self.full = true;
                            self.dirty = true;
                        }
                        Some(ChannelMsg::Eof) => return End::Eof,
                        Some(ChannelMsg::Close) | None => return End::Closed,
                        Some(_) => {}
                    }
                }
                _ = tokio::time::sleep_until(due.into()) => {
                    let now = Instant::now();
                    if self.esc_due.is_some_and(|d| d <= now) {
                        self.esc_due = None;
                        for event in self.decoder.flush() {
                            self.act(&event, now);
                        }
                    }
                    if self.app.deadline().is_some_and(|d| d <= now) {
                        self.dirty |= self.app.update(Action::Tick, now);
                    }
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
                    self.full = true;
                    permit.send(Out::Bytes(self.frame()));
                }
                _ = super::stopped(&mut shutdown) => return End::Shutdown,
            }
            if self.app.quit {
                return End::Quit;
            }
            if let Some(text) = self.app.clipboard.take() {
                let osc = format!("\x1b]52;c;{}\x07", crate::terminal::base64(text.as_bytes()));
                // A copy is worth little once the client is this far behind.
                let _ = out.try_send(Out::Bytes(osc.into_bytes()));
            }
            if self.dirty {
                self.send_frame(out, shared);
            }
        }
    }
}
