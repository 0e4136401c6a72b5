//! The Linux console's VT lock: the console must not switch away from the kiosk whatever keymap
//! is loaded, must not blank, and must come back to its VT.
//!
//! The keymap is not the place for this: console-setup (`setupcon`) loads the full keymap again
//! whenever it runs, and with it Alt-Fn and Ctrl-Alt-Fn. The kernel's own switch lock does not
//! care about the keymap. `VT_LOCKSWITCH` needs `CAP_SYS_TTY_CONFIG`, which the kiosk unit
//! grants; the lock outlives a crash, so a patron gets nothing in the moment before the restart.
//! Without the capability, the kiosk takes the VT into `VT_PROCESS` mode and refuses each switch
//! the kernel asks it about, which the kernel undoes by itself if the process dies.

use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, Ordering};

const VT_SETMODE: libc::Ioctl = 0x5602;
const VT_RELDISP: libc::Ioctl = 0x5605;
const VT_ACTIVATE: libc::Ioctl = 0x5606;
const VT_LOCKSWITCH: libc::Ioctl = 0x560B;
const VT_UNLOCKSWITCH: libc::Ioctl = 0x560C;
const VT_GETMODE: libc::Ioctl = 0x5601;
const VT_AUTO: libc::c_char = 0;
const VT_PROCESS: libc::c_char = 1;
const VT_ACKACQ: libc::c_int = 2;
/// The major number of the Linux virtual terminals, /dev/ttyN.
const TTY_MAJOR: u32 = 4;

/// Linux console private sequences: no screen blanking, no VESA power-down.
const NO_BLANK: &[u8] = b"\x1b[9;0]\x1b[14;0]";

/// `struct vt_mode` from <linux/vt.h>.
#[repr(C)]
#[derive(Default)]
struct VtMode {
    mode: libc::c_char,
    waitv: libc::c_char,
    relsig: libc::c_short,
    acqsig: libc::c_short,
    frsig: libc::c_short,
}

/// The tty the signal handlers answer the kernel on, for `VT_PROCESS` mode.
static PROCESS_FD: AtomicI32 = AtomicI32::new(-1);

/// How the switches are kept off, so that dropping it undoes exactly that.
#[derive(Debug, PartialEq, Eq)]
enum Hold {
    Locked,
    Process,
}

/// Keeps the console on the kiosk's VT while it lives; dropping it allows switching again
/// (the kiosk leaves on purpose: admin key or SIGTERM).
#[derive(Debug)]
pub struct VtLock {
    fd: RawFd,
    hold: Hold,
}

/// The VT number of `fd` if it is a Linux virtual terminal (/dev/tty1…/dev/tty63).
pub(super) fn vt_number(fd: RawFd) -> Option<u32> {
    // SAFETY: an all-zero stat is a valid value for fstat to overwrite.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat writes one struct stat through the pointer.
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return None;
    }
    let (major, minor) = (libc::major(st.st_rdev), libc::minor(st.st_rdev));
    let is_char = st.st_mode & libc::S_IFMT == libc::S_IFCHR;
    let mut mode = VtMode::default();
    // SAFETY: VT_GETMODE writes one struct vt_mode; it fails on anything but a VT.
    let is_vt = unsafe { libc::ioctl(fd, VT_GETMODE, &mut mode) } == 0;
    (is_char && is_vt && major == TTY_MAJOR && (1..64).contains(&minor)).then_some(minor)
}

/// In kiosk mode with a Linux VT as stdin (the kiosk unit's `StandardInput=tty-force`): brings
/// it to the front, turns blanking off and keeps the console from switching away until the
/// lock is dropped. Anywhere else (a terminal emulator, SSH) it does nothing.
pub fn lock_vt(kiosk: bool) -> Option<VtLock> {
    if kiosk {
        lock(libc::STDIN_FILENO)
    } else {
        None
    }
}

fn lock(fd: RawFd) -> Option<VtLock> {
    let vt = vt_number(fd)?;
    // SAFETY: plain ioctls on a descriptor we hold, with integer arguments.
    unsafe {
        // A switch before a restart (or a lock someone else left) must not hide the kiosk.
        libc::ioctl(fd, VT_UNLOCKSWITCH, 0);
        libc::ioctl(fd, VT_ACTIVATE, libc::c_ulong::from(vt));
        libc::write(fd, NO_BLANK.as_ptr().cast(), NO_BLANK.len());
    }
    // SAFETY: as above.
    if unsafe { libc::ioctl(fd, VT_LOCKSWITCH, 0) } == 0 {
        return Some(VtLock {
            fd,
            hold: Hold::Locked,
        });
    }
    refuse_switches(fd).then_some(VtLock {
        fd,
        hold: Hold::Process,
    })
}

/// `VT_PROCESS` mode: the kernel asks with SIGUSR1 before it switches away, and the answer is
/// always no. SIGUSR2 (the VT given back) is acknowledged.
fn refuse_switches(fd: RawFd) -> bool {
    PROCESS_FD.store(fd, Ordering::SeqCst);
    let answer = |reply: libc::c_int| {
        move || {
            let fd = PROCESS_FD.load(Ordering::SeqCst);
            // SAFETY: ioctl is async-signal-safe; the answer is an integer.
            unsafe { libc::ioctl(fd, VT_RELDISP, reply) };
        }
    };
    // SAFETY: the handlers only load an atomic and make one system call.
    let registered = unsafe {
        signal_hook::low_level::register(libc::SIGUSR1, answer(0)).is_ok()
            && signal_hook::low_level::register(libc::SIGUSR2, answer(VT_ACKACQ)).is_ok()
    };
    let mode = VtMode {
        mode: VT_PROCESS,
        waitv: 0,
        relsig: libc::SIGUSR1 as libc::c_short,
        acqsig: libc::SIGUSR2 as libc::c_short,
        frsig: 0,
    };
    // SAFETY: VT_SETMODE reads one struct vt_mode.
    registered && unsafe { libc::ioctl(fd, VT_SETMODE, &mode) } == 0
}

impl Drop for VtLock {
    fn drop(&mut self) {
        // SAFETY: ioctls on the descriptor the lock was taken on.
        unsafe {
            match self.hold {
                Hold::Locked => {
                    libc::ioctl(self.fd, VT_UNLOCKSWITCH, 0);
                }
                Hold::Process => {
                    let auto = VtMode {
                        mode: VT_AUTO,
                        ..VtMode::default()
                    };
                    libc::ioctl(self.fd, VT_SETMODE, &auto);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anything_but_a_vt_is_left_alone() {
        let (mut a, mut b) = (0, 0);
        // SAFETY: openpty writes two descriptors; the rest may be null.
        let r = unsafe {
            libc::openpty(
                &mut a,
                &mut b,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(r, 0);
        assert!(lock(b).is_none());
        assert!(lock_vt(false).is_none());
        // SAFETY: closing the two descriptors openpty gave.
        unsafe {
            libc::close(a);
            libc::close(b);
        }
    }
}
