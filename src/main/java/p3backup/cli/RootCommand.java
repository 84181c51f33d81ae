package p3backup.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code p3backup}: the commands; with none named, {@code backup}. */
@Command(name = "p3backup", versionProvider = Version.class,
    subcommands = {BackupCommand.class, RestoreCommand.class, VerifyCommand.class,
        SnapshotsCommand.class, ForgetCommand.class, BucketsCommand.class},
    description = {"Back up a directory tree to Amazon S3 (or any S3-compatible server) as plain"
        + " objects, upload only what changed, restore and verify it.",
        "",
        "  p3backup [OPTIONS] [TARGET|default] [DIR]    same as p3backup backup ...",
        ""},
    footer = {"", "Credentials, region and endpoint come from the AWS CLI configuration"
        + " (~/.aws/config, ~/.aws/credentials, AWS_PROFILE, AWS_* variables).",
        "Exit codes: 0 done, 1 failed, 2 bad input, 3 done but some files were skipped (named)."})
public final class RootCommand implements Runnable {
  @Spec CommandSpec spec;

  @Mixin GlobalOptions global;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
