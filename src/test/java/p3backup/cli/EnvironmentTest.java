package p3backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The home directory is found as the AWS CLI and SDK find it, so ~/.aws is the same file. */
class EnvironmentTest {
  @Test
  void homeVariableWinsOverTheAccountsHome() {
    assertEquals("/tmp/elsewhere", Environment.homeDirectory(Map.of("HOME", "/tmp/elsewhere"), "Linux", "/home/me"));
  }

  @Test
  void withoutHomeTheAccountsHomeIsUsed() {
    assertEquals("/home/me", Environment.homeDirectory(Map.of(), "Linux", "/home/me"));
    assertEquals("/home/me", Environment.homeDirectory(Map.of("HOME", ""), "Mac OS X", "/home/me"));
  }

  @Test
  void onWindowsUserProfileComesAfterHome() {
    assertEquals("C:\\Users\\me", Environment.homeDirectory(Map.of("USERPROFILE", "C:\\Users\\me"), "Windows 11", "C:\\x"));
    assertEquals("D:\\h", Environment.homeDirectory(Map.of("HOME", "D:\\h", "USERPROFILE", "C:\\Users\\me"), "Windows 11", "C:\\x"));
    assertEquals("/home/me", Environment.homeDirectory(Map.of("USERPROFILE", "C:\\Users\\me"), "Linux", "/home/me"));
  }
}
