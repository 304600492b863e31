//! `pressroom user add`: creates a staff user from the command line, the
//! way the first admin comes to exist; everyone after is invited in the
//! newsroom. The password is read from standard input (never from an
//! argument, which other users of the machine could see).

use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use pressroom_domain::{Role, SystemClock};
use pressroom_newsroom::Accounts;
use pressroom_newsroom::accounts::totp;

use crate::db;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a user; the password is read from the first line of standard input.
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// writer, clearer, publisher or admin.
    #[arg(long)]
    role: String,
    /// The name shown in the newsroom and the audit log.
    #[arg(long, default_value = "Administrator")]
    name: String,
    /// The sign-in address.
    email: String,
}

pub async fn run(database: &str, command: Command) -> anyhow::Result<ExitCode> {
    let Command::Add(args) = command;
    let role = Role::parse(&args.role)?;
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    let (_, store) = db::open_stores(database).await?;
    let accounts = Accounts::new(store, Arc::new(SystemClock));
    let (user, secret) = accounts
        .add_user(&args.email, &args.name, role, password)
        .await
        .with_context(|| format!("cannot add {}", args.email))?;
    println!("added {} as {}", user.email, user.role);
    if let Some(secret) = secret {
        println!("this role signs in with a one-time code; add this key to an authenticator app:");
        println!("  key: {secret}");
        println!(
            "  uri: {}",
            totp::otpauth_uri(&secret, "pressroom", user.email.as_str())
        );
    }
    Ok(ExitCode::SUCCESS)
}
