//! Reading a password for a command: from standard input when it is piped (or when asked
//! with `--password-stdin`), else typed at the terminal twice without echo.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};

/// The password the person gives: the first line of standard input, or typed at a prompt.
pub(crate) fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if from_stdin || !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Password: ").context("cannot read the password")?;
    let again =
        rpassword::prompt_password("Password again: ").context("cannot read the password")?;
    if first != again {
        bail!("the two passwords differ");
    }
    Ok(first)
}
