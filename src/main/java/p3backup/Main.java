package p3backup;

public final class Main {
  public static void main(String... args) {
    System.out.println("p3backup");
  }
}
