package p3backup.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code p3backup}: the commands; with none named, {@code backup}. */
@Command(name = "p3backup", versionProvider = Version.class,
    subcommands = {BackupCommand.class, RestoreCommand.class, VerifyCommand.class,
        SnapshotsCommand.class, ForgetCommand.class, BucketsCommand.class, CompletionCommand.class},
    description = {"Back up a directory tree to Amazon S3 (or any S3-compatible server) as plain"
        + " objects, upload only what changed, restore and verify it.",
        "",
        "  p3backup [OPTIONS] [TARGET|default] [DIR]    same as p3backup backup ...",
        "",
        "Credentials, region and endpoint come from the AWS CLI configuration",
        "(~/.aws/config, ~/.aws/credentials, AWS_PROFILE, AWS_* variables).",
        "More: p3backup COMMAND --help, man p3backup and man p3backup-COMMAND,",
        "and the README (all in the release archives).",
        ""},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done: everything backed up, restored or verified",
        "1:failed (network, permissions, server error after retries; verify found a problem):"
            + " nothing uploaded is lost, a rerun resumes",
        "2:bad input, found before any request was sent",
        "3:done, but some files could not be backed up or restored (each named on stderr)"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  p3backup my-bucket ~/Documents               back up ~/Documents",
        "  p3backup restore my-bucket ~/restored        restore the latest snapshot",
        "  p3backup verify my-bucket --read-data        check every byte of the backup"})
public final class RootCommand implements Runnable {
  @Spec CommandSpec spec;

  @Mixin GlobalOptions global;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
