//! Who may come in, and what one visitor may cost.
//!
//! A connection is a *startup* from accept until its pty and shell are running, then a
//! *session*. Startups are cheap to make and cost the server a key exchange each, so they have
//! their own caps (in total and per address, as sshd's MaxStartups and PerSourceMaxStartups)
//! and a handshake budget per address; only sessions count against `--max-sessions` and
//! `--max-per-ip`. When the startup pool is full, the address holding the most startups gives
//! up its oldest to a newcomer from an address holding fewer, so however many connections a
//! few addresses keep open, a visitor from anywhere else still gets in.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::Settings;

/// The largest pty served: more than a full-HD screen in a small font, and a bound on what one
/// session's screen buffers cost (about 150 bytes a cell, so some 4.5 MB at the cap).
pub(crate) const MAX_COLS: u16 = 300;
pub(crate) const MAX_ROWS: u16 = 100;
/// The size when the client sends none (0×0).
const DEFAULT_SIZE: (u16, u16) = (80, 24);

/// The size from a pty request or a window change: 0 means "not given", and nothing is larger
/// than [`MAX_COLS`]×[`MAX_ROWS`].
pub(crate) fn pty_size(cols: u32, rows: u32) -> (u16, u16) {
    let side = |v: u32, default: u16, max: u16| match v {
        0 => default,
        v => v.min(u32::from(max)) as u16,
    };
    (
        side(cols, DEFAULT_SIZE.0, MAX_COLS),
        side(rows, DEFAULT_SIZE.1, MAX_ROWS),
    )
}

/// How many handshakes an address may start at once from a full budget, per startup it may
/// hold; the budget then refills by `max_startups_per_ip` every [`BUDGET_REFILL`].
const BUDGET_BURST: usize = 4;
const BUDGET_REFILL: Duration = Duration::from_secs(10);

/// The address the limits count by: an IPv4 address, or an IPv6 /64 (one host can have all of
/// a /64, so counting single IPv6 addresses would limit nothing).
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

/// Why a visitor whose connection got through may not have a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    Busy,
    PerIp,
}

/// Why a connection was turned away at accept, as logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Turned {
    /// The startup pool is full and nobody holds more startups than this address.
    Full,
    /// This address already holds its share of startups.
    Startups,
    /// This address has spent its handshake budget.
    Budget,
}

impl Turned {
    pub fn name(self) -> &'static str {
        match self {
            Turned::Full => "startups-full",
            Turned::Startups => "startups-per-ip",
            Turned::Budget => "handshake-budget",
        }
    }
}

struct Startup {
    id: u64,
    evict: Arc<Notify>,
}

/// Handshakes an address may still start, refilled with time.
struct Budget {
    left: f64,
    at: Instant,
}

#[derive(Default)]
struct State {
    /// Startups per address, oldest first.
    startups: HashMap<IpAddr, VecDeque<Startup>>,
    starting: usize,
    sessions: usize,
    sessions_per_ip: HashMap<IpAddr, usize>,
    budgets: HashMap<IpAddr, Budget>,
    next_id: u64,
}

/// The limits and the counts they are checked against.
pub(crate) struct Door {
    max_sessions: usize,
    max_per_ip: usize,
    max_startups: usize,
    max_startups_per_ip: usize,
    state: Mutex<State>,
}

impl Door {
    pub fn new(settings: &Settings) -> Door {
        Door {
            max_sessions: settings.max_sessions,
            max_per_ip: settings.max_per_ip,
            max_startups: settings.max_startups,
            max_startups_per_ip: settings.max_startups_per_ip,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Running sessions.
    pub fn sessions(&self) -> usize {
        self.lock().sessions
    }

    /// Connections not yet sessions.
    pub fn starting(&self) -> usize {
        self.lock().starting
    }

    /// Counts a new connection from `ip` as a startup, or says why it is turned away.
    pub fn arrive(self: &Arc<Door>, ip: IpAddr, now: Instant) -> Result<Ticket, Turned> {
        let ip = address_group(ip);
        let burst = (self.max_startups_per_ip * BUDGET_BURST) as f64;
        let rate = self.max_startups_per_ip as f64 / BUDGET_REFILL.as_secs_f64();
        let mut st = self.lock();
        let st = &mut *st;
        let budget = st.budgets.entry(ip).or_insert(Budget {
            left: burst,
            at: now,
        });
        budget.left = (budget.left + now.saturating_duration_since(budget.at).as_secs_f64() * rate)
            .min(burst);
        budget.at = now;
        if budget.left < 1.0 {
            return Err(Turned::Budget);
        }
        let mine = st.startups.get(&ip).map_or(0, VecDeque::len);
        // Early drop: past half the pool, an address gets a quarter of its usual share.
        let share = if st.starting * 2 >= self.max_startups {
            (self.max_startups_per_ip / 4).max(1)
        } else {
            self.max_startups_per_ip
        };
        if mine >= share {
            return Err(Turned::Startups);
        }
        if st.starting >= self.max_startups {
            let heaviest = st
                .startups
                .iter()
                .max_by_key(|(_, q)| q.len())
                .map(|(ip, q)| (*ip, q.len()));
            match heaviest {
                Some((heavy, n)) if n > mine + 1 => {
                    let queue = st.startups.get_mut(&heavy).expect("just found");
                    if let Some(old) = queue.pop_front() {
                        old.evict.notify_one();
                        st.starting -= 1;
                    }
                    if queue.is_empty() {
                        st.startups.remove(&heavy);
                    }
                }
                _ => return Err(Turned::Full),
            }
        }
        budget_spend(&mut st.budgets, ip);
        if st.budgets.len() > 1024 + 4 * self.max_startups {
            // Forget addresses whose budget is whole again: they would start from full anyway.
            st.budgets.retain(|_, b| {
                b.left + now.saturating_duration_since(b.at).as_secs_f64() * rate < burst
            });
        }
        let id = st.next_id;
        st.next_id += 1;
        let evict = Arc::new(Notify::new());
        st.startups.entry(ip).or_default().push_back(Startup {
            id,
            evict: Arc::clone(&evict),
        });
        st.starting += 1;
        Ok(Ticket {
            door: Arc::clone(self),
            ip,
            id,
            evict,
            session: AtomicBool::new(false),
        })
    }
}

fn budget_spend(budgets: &mut HashMap<IpAddr, Budget>, ip: IpAddr) {
    if let Some(b) = budgets.get_mut(&ip) {
        b.left -= 1.0;
    }
}

/// One connection's place: a startup, then a session; given back when dropped.
pub(crate) struct Ticket {
    door: Arc<Door>,
    ip: IpAddr,
    id: u64,
    evict: Arc<Notify>,
    session: AtomicBool,
}

impl Ticket {
    /// Wakes when the startup pool gave this connection's place to a newcomer.
    pub fn evicted(&self) -> Arc<Notify> {
        Arc::clone(&self.evict)
    }

    /// The pty and shell are running.
    pub fn is_session(&self) -> bool {
        self.session.load(Ordering::SeqCst)
    }

    /// Turns the startup into a session if `--max-sessions` and `--max-per-ip` allow.
    pub fn start_session(&self) -> Result<(), Refusal> {
        let mut st = self.door.lock();
        if self.is_session() {
            return Ok(());
        }
        if st.sessions >= self.door.max_sessions {
            return Err(Refusal::Busy);
        }
        let from_ip = st.sessions_per_ip.get(&self.ip).copied().unwrap_or(0);
        if from_ip >= self.door.max_per_ip {
            return Err(Refusal::PerIp);
        }
        remove_startup(&mut st, self.ip, self.id);
        st.sessions += 1;
        *st.sessions_per_ip.entry(self.ip).or_insert(0) += 1;
        self.session.store(true, Ordering::SeqCst);
        Ok(())
    }
}

fn remove_startup(st: &mut State, ip: IpAddr, id: u64) {
    if let Some(queue) = st.startups.get_mut(&ip)
        && let Some(at) = queue.iter().position(|s| s.id == id)
    {
        queue.remove(at);
        st.starting -= 1;
        if queue.is_empty() {
            st.startups.remove(&ip);
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut st = self.door.lock();
        if self.is_session() {
            st.sessions -= 1;
            if let Some(n) = st.sessions_per_ip.get_mut(&self.ip) {
                *n -= 1;
                if *n == 0 {
                    st.sessions_per_ip.remove(&self.ip);
                }
            }
        } else {
            remove_startup(&mut st, self.ip, self.id);
        }
    }
}

/// Hands the memory of a finished session back to the system. glibc keeps freed memory in
/// per-thread arenas and returns only what lies at the top of each heap, so without this a
/// burst of large sessions would leave the server at its peak for good.
pub(crate) fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Allocator settings for a server whose visitors come and go. A screen buffer is large (a
/// megabyte at the pty cap); glibc raises its mmap threshold each time such a block is freed,
/// after which they live in the heap and fragment it. A fixed threshold keeps them mapped on
/// their own, so they go back to the system the moment a session ends; two arenas keep the
/// tokio workers from spreading small blocks over one heap each.
pub(crate) fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets the allocator's parameters, before any session exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
