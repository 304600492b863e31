use crate::{Cli, ONE_RELEASE, stderr, stdout};

#[test]
fn help_lists_every_subcommand_with_a_description() {
    let out = Cli::new().run(&["--help"]);

    assert!(out.status.success());
    let help = stdout(&out);
    for (cmd, words) in [
        ("serve", "Serve the public site"),
        ("import", "Import releases"),
        ("export", "Export every release"),
        ("migrate", "Apply pending database migrations"),
        ("bench", "benchmarks"),
    ] {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(cmd))
            .unwrap_or_else(|| panic!("{cmd} missing from --help:\n{help}"));
        assert!(line.contains(words), "{line}");
    }
}

#[test]
fn a_path_that_does_not_exist_gives_a_one_line_error() {
    let out = Cli::new().run(&["import", "no/such/file.txt"]);

    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("cannot read no/such/file.txt"), "{err}");
    assert!(err.contains("No such file or directory"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unwritable_database_path_gives_a_one_line_error() {
    let cli = Cli::new();
    cli.write("r.txt", ONE_RELEASE);

    let out = cli
        .command()
        .args([
            "--database",
            "sqlite:///nonexistent-dir/sub/pressroom.db",
            "import",
            "r.txt",
        ])
        .output()
        .expect("runs");

    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: cannot open database sqlite:///nonexistent-dir/sub/pressroom.db"),
        "{err}"
    );
}

#[test]
fn an_unsupported_database_url_is_named() {
    let out = Cli::new().run(&["--database", "mysql://localhost/x", "migrate"]);

    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("unsupported database URL"), "{err}");
}

#[test]
fn the_database_can_come_from_the_environment_or_the_flag() {
    let cli = Cli::new();
    cli.write("r.txt", ONE_RELEASE);
    let other = format!("sqlite://{}", cli.dir.path().join("other.db").display());

    let out = cli.run(&["--database", &other, "import", "r.txt"]);

    assert!(out.status.success(), "{}", stderr(&out));
    assert!(cli.dir.path().join("other.db").exists());
    assert!(
        cli.export().is_empty(),
        "PRESSROOM_DATABASE's store was not touched"
    );
}
