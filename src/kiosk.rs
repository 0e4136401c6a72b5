//! What a kiosk needs beyond the app. The in-app lock (no key that leaves, the idle reset, the
//! carousel, the admin key) is the app's own and works on every platform; on a Linux virtual
//! terminal the console is also kept from switching away from it (`vt`).

/// The exit status after the admin key: the kiosk unit starts the staff login on it, and a
/// stop (SIGTERM, status 0) does not.
pub const ADMIN_EXIT_STATUS: i32 = 3;

#[cfg(target_os = "linux")]
pub mod mouse;
#[cfg(target_os = "linux")]
mod vt;

#[cfg(target_os = "linux")]
pub use vt::{VtLock, lock_vt};

/// Off the Linux console there is no VT to lock, so there is never a lock to hold.
#[cfg(not(target_os = "linux"))]
#[derive(Debug)]
pub enum VtLock {}

/// Off the Linux console the kiosk has the in-app lock alone.
#[cfg(not(target_os = "linux"))]
pub fn lock_vt(_kiosk: bool) -> Option<VtLock> {
    None
}

/// The exit status when the app quits by itself: in kiosk mode only the admin key does that.
pub fn quit_status(kiosk: bool) -> i32 {
    if kiosk { ADMIN_EXIT_STATUS } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_kiosk_has_a_status_of_its_own() {
        assert_eq!(quit_status(false), 0);
        assert_ne!(quit_status(true), 0);
    }
}
