//! The account part of every page's header: "Sign in", or who is signed in with a "Sign out"
//! button. The authentication middleware sets it for the request being answered, so page
//! structs need no field for it; `base.html` reads it through [`signed_in`].

use std::future::Future;

/// Who is signed in, as the header shows them.
#[derive(Debug, Clone)]
pub(crate) struct Banner {
    /// Their display name (the header shows no e-mail address).
    pub(crate) name: String,
    /// The session's CSRF token, for the sign-out form.
    pub(crate) csrf: String,
    /// Whether they coordinate the network (the audit log and network editing are theirs).
    pub(crate) coordinator: bool,
}

tokio::task_local! {
    static BANNER: Option<Banner>;
}

/// Runs `answer` (the rest of the request) with `banner` as the header's account state.
pub(super) async fn scope<F: Future>(banner: Option<Banner>, answer: F) -> F::Output {
    BANNER.scope(banner, answer).await
}

/// Who is signed in for the page being rendered (nobody outside a request).
pub(crate) fn signed_in() -> Option<Banner> {
    BANNER.try_with(Clone::clone).ok().flatten()
}
