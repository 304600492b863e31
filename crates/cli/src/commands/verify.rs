//! `pressroom verify`: a reader's check of a statement against the site's
//! transparency log, and a monitor's check that the log was not rewritten.
//! Every step is printed; the first that fails is named and the exit code
//! is 1.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use pressroom_ledger::{
    ConsistencyProof, SignedCheckpoint, VerifierKey, open_checkpoint, verify_bundle,
    verify_consistency,
};
use serde::Deserialize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A release's address (https://…/releases/YYYY/MM/DD/slug, or its /proof)
    /// or a saved proof file.
    #[arg(required_unless_present = "log")]
    target: Option<String>,

    /// Instead: check the log at this site address (https://host[:port]) has
    /// only grown since the checkpoint seen last time, and remember the new one.
    #[arg(long, conflicts_with = "target")]
    log: Option<String>,

    /// A public key to trust (name+id+key), instead of fetching the site's
    /// published keys. Repeat for several.
    #[arg(long = "key")]
    keys: Vec<String>,

    /// A PEM file of CA certificates to trust for https:// besides the
    /// usual web roots: for a site behind a private CA.
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,

    /// Where --log keeps the last checkpoint seen of each log.
    #[arg(long, env = "PRESSROOM_VERIFY_STATE")]
    state: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
struct PublishedKeys {
    current: String,
    retired: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ApiRecord {
    title: String,
    date: String,
    revision: u32,
    body_text: String,
}

/// The HTTP(S) client: the Mozilla roots (webpki-roots), plus the CAs of
/// `--ca` when given.
fn client(args: &Args) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(std::time::Duration::from_secs(30));
    if let Some(path) = &args.ca {
        let pem = std::fs::read(path)
            .with_context(|| format!("cannot read the CA file {}", path.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .with_context(|| format!("{} holds no PEM certificate", path.display()))?;
        if certs.is_empty() {
            bail!("{} holds no PEM certificate", path.display());
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder.build().context("cannot set up the HTTPS client")
}

async fn fetch(client: &reqwest::Client, url: &str) -> anyhow::Result<Vec<u8>> {
    let res = client.get(url).send().await.map_err(|e| {
        let chain = format!("{:#}", anyhow::Error::from(e));
        if chain.contains("certificate") {
            anyhow::anyhow!(
                "cannot fetch {url}: the server's TLS certificate is not trusted ({chain}); \
                 if the site uses a private CA, give its certificate with --ca FILE"
            )
        } else {
            anyhow::anyhow!("cannot fetch {url}: {chain}")
        }
    })?;
    let status = res.status();
    if !status.is_success() {
        bail!("{url} answered {status}");
    }
    Ok(res
        .bytes()
        .await
        .with_context(|| format!("cannot read {url}"))?
        .to_vec())
}

/// The site's address: everything before `/releases/` or `/.well-known/`.
fn site_of(url: &str) -> String {
    ["/releases/", "/.well-known/"]
        .iter()
        .find_map(|m| url.find(m).map(|i| url[..i].to_owned()))
        .unwrap_or_else(|| url.trim_end_matches('/').to_owned())
}

async fn keys_for(
    args: &Args,
    client: &reqwest::Client,
    site: Option<&str>,
) -> anyhow::Result<Vec<VerifierKey>> {
    if !args.keys.is_empty() {
        return args
            .keys
            .iter()
            .map(|k| VerifierKey::parse(k).with_context(|| format!("--key {k}")))
            .collect();
    }
    let Some(site) = site else {
        bail!(
            "a saved proof is checked against keys you trust: give the site's public key with --key"
        );
    };
    let url = format!("{site}/.well-known/pressroom/keys");
    let published: PublishedKeys = serde_json::from_slice(&fetch(client, &url).await?)
        .with_context(|| format!("{url} is not a list of keys"))?;
    std::iter::once(published.current)
        .chain(published.retired)
        .map(|k| VerifierKey::parse(&k).with_context(|| format!("{url}: {k}")))
        .collect()
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let client = client(&args)?;
    let result = match (&args.target, &args.log) {
        (_, Some(site)) => check_log(&args, &client, site.trim_end_matches('/')).await,
        (Some(target), None) => check_release(&args, &client, target).await,
        (None, None) => bail!("give a release address, a saved proof, or --log SITE"),
    };
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            println!("FAILED: {e:#}");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn check_release(args: &Args, client: &reqwest::Client, target: &str) -> anyhow::Result<()> {
    let online = target.starts_with("http://") || target.starts_with("https://");
    let (bytes, site, page) = if online {
        let page = target
            .trim_end_matches('/')
            .trim_end_matches("/proof")
            .to_owned();
        let bytes = fetch(client, &format!("{page}/proof")).await?;
        (bytes, Some(site_of(&page)), Some(page))
    } else {
        let bytes = std::fs::read(target)
            .with_context(|| format!("cannot read the proof file {target}"))?;
        (bytes, None, None)
    };
    let keys = keys_for(args, client, site.as_deref()).await?;
    let verified = verify_bundle(&bytes, &keys)?;
    let leaf = &verified.leaf;
    println!(
        "ok  signature: the checkpoint of {} entries of log {} is signed by a published key",
        verified.checkpoint.size, verified.checkpoint.origin
    );
    println!(
        "ok  inclusion: entry {} of the log is {} revision {} ({}, {})",
        verified.index,
        leaf.path,
        leaf.revision,
        leaf.event.as_str(),
        leaf.at
    );
    println!("    title: {}", leaf.content.title);
    if let (Some(site), Some(page)) = (site, page) {
        let wanted = page.strip_prefix(&site).unwrap_or(&page);
        if wanted != leaf.path {
            bail!(
                "the proof is for {}, not for the release asked about ({wanted})",
                leaf.path
            );
        }
        let api = format!("{site}/api{}", leaf.path);
        let record: ApiRecord = serde_json::from_slice(&fetch(client, &api).await?)
            .with_context(|| format!("{api} is not a release record"))?;
        let body_text = leaf
            .content
            .body
            .texts()
            .map(pressroom_render::markdown_to_text)
            .collect::<Vec<_>>()
            .join("\n\n");
        let mut differences = Vec::new();
        if record.revision != leaf.revision {
            differences.push(format!(
                "the site shows revision {}, the log's newest entry is revision {}",
                record.revision, leaf.revision
            ));
        }
        if record.title != leaf.content.title.as_str() {
            differences.push(format!(
                "the title shown is {:?}, the log says {:?}",
                record.title,
                leaf.content.title.as_str()
            ));
        }
        if record.date != leaf.content.date.date().to_string() {
            differences.push(format!(
                "the date shown is {}, the log says {}",
                record.date,
                leaf.content.date.date()
            ));
        }
        if record.body_text != body_text {
            differences.push("the text shown differs from the text in the log".to_owned());
        }
        if !differences.is_empty() {
            bail!(
                "the page does not show what the log says: {}",
                differences.join("; ")
            );
        }
        println!("ok  content: the page shows exactly the logged revision");
    }
    println!("verified: this statement is genuine and unaltered");
    Ok(())
}

#[derive(Debug, Default, serde::Serialize, Deserialize)]
struct State {
    /// The last checkpoint seen, by log name.
    logs: std::collections::BTreeMap<String, String>,
}

fn state_path(args: &Args) -> anyhow::Result<PathBuf> {
    if let Some(p) = &args.state {
        return Ok(p.clone());
    }
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .context("no HOME to keep checkpoints in: give --state FILE")?;
    Ok(base.join("pressroom").join("checkpoints.json"))
}

async fn check_log(args: &Args, client: &reqwest::Client, site: &str) -> anyhow::Result<()> {
    let keys = keys_for(args, client, Some(site)).await?;
    let note = fetch(client, &format!("{site}/.well-known/pressroom/checkpoint")).await?;
    let new = open_checkpoint(&note, &keys)?;
    println!(
        "ok  signature: log {} has {} entries, signed by a published key",
        new.origin, new.size
    );
    let path = state_path(args)?;
    let mut state: State = match std::fs::read(&path) {
        Ok(b) => serde_json::from_slice(&b)
            .with_context(|| format!("{} is not a checkpoint file", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::default(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    match state.logs.get(&new.origin) {
        None => println!("    first sight of this log: remembering its checkpoint"),
        Some(old_note) => {
            // Verified when saved; checked again in case the file was edited.
            let old: SignedCheckpoint = open_checkpoint(old_note.as_bytes(), &keys)
                .context("the checkpoint remembered from last time")?;
            let url = format!(
                "{site}/.well-known/pressroom/log/consistency/{}/{}",
                old.size.min(new.size),
                new.size
            );
            let proof: ConsistencyProof = if old.size <= new.size {
                serde_json::from_slice(&fetch(client, &url).await?)
                    .with_context(|| format!("{url} is not a consistency proof"))?
            } else {
                ConsistencyProof::new(&new.origin, old.size, new.size, &[])
            };
            verify_consistency(&old, &new, &proof)?;
            println!(
                "ok  consistency: the log of {} entries contains, unchanged, the {} seen before",
                new.size, old.size
            );
        }
    }
    state.logs.insert(new.origin.clone(), new.note.clone());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = path.with_extension("json.new");
    std::fs::write(&tmp, serde_json::to_vec_pretty(&state)?)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .with_context(|| format!("cannot save {}", path.display()))?;
    println!("verified: the log only grew");
    Ok(())
}
