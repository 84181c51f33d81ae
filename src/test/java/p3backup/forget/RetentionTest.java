package p3backup.forget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p3backup.forget.Retention.Decision;
import p3backup.forget.Retention.Kept;
import p3backup.forget.Retention.Snapshot;

/**
 * The keep policy against restic's own cases: the snapshot times of restic's policy tests (in
 * UTC) with what restic keeps for them and why, then edge cases of our own in a zone with
 * daylight saving time.
 */
class RetentionTest {
  static final ZoneId UTC = ZoneOffset.UTC;
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  /** The times of restic's policy tests (a duplicate time among them included). */
  static final List<String> RESTIC_TIMES = List.of(
      "2014-09-01 10:20:30", "2014-09-02 10:20:30", "2014-09-05 10:20:30", "2014-09-06 10:20:30",
      "2014-09-08 10:20:30", "2014-09-09 10:20:30", "2014-09-10 10:20:30", "2014-09-11 10:20:30",
      "2014-09-20 10:20:30", "2014-09-22 10:20:30", "2014-08-08 10:20:30", "2014-08-10 10:20:30",
      "2014-08-12 10:20:30", "2014-08-13 10:20:30", "2014-08-13 10:20:30.1", "2014-08-15 10:20:30",
      "2014-08-18 10:20:30", "2014-08-20 10:20:30", "2014-08-21 10:20:30", "2014-08-22 10:20:30",
      "2014-10-01 10:20:30", "2014-10-02 10:20:30", "2014-10-05 10:20:30", "2014-10-06 10:20:30",
      "2014-10-08 10:20:30", "2014-10-09 10:20:30", "2014-10-10 10:20:30", "2014-10-11 10:20:30",
      "2014-10-20 10:20:30", "2014-10-22 10:20:30", "2014-11-08 10:20:30", "2014-11-10 10:20:30",
      "2014-11-12 10:20:30", "2014-11-13 10:20:30", "2014-11-13 10:20:30.1", "2014-11-15 10:20:30",
      "2014-11-18 10:20:30", "2014-11-20 10:20:30", "2014-11-21 10:20:30", "2014-11-22 10:20:30",
      "2015-09-01 10:20:30", "2015-09-02 10:20:30", "2015-09-05 10:20:30", "2015-09-06 10:20:30",
      "2015-09-08 10:20:30", "2015-09-09 10:20:30", "2015-09-10 10:20:30", "2015-09-11 10:20:30",
      "2015-09-20 10:20:30", "2015-09-22 10:20:30", "2015-08-08 10:20:30", "2015-08-10 10:20:30",
      "2015-08-12 10:20:30", "2015-08-13 10:20:30", "2015-08-13 10:20:30.1", "2015-08-15 10:20:30",
      "2015-08-18 10:20:30", "2015-08-20 10:20:30", "2015-08-21 10:20:30", "2015-08-22 10:20:30",
      "2015-10-01 10:20:30", "2015-10-02 10:20:30", "2015-10-05 10:20:30", "2015-10-06 10:20:30",
      "2015-10-08 10:20:30", "2015-10-09 10:20:30", "2015-10-10 10:20:30", "2015-10-11 10:20:30",
      "2015-10-20 10:20:30", "2015-10-22 10:20:30", "2015-11-08 10:20:30", "2015-11-10 10:20:30",
      "2015-11-12 10:20:30", "2015-11-13 10:20:30", "2015-11-13 10:20:30.1", "2015-11-15 10:20:30",
      "2015-11-18 10:20:30", "2015-11-20 10:20:30", "2015-11-21 10:20:30", "2015-11-22 10:20:30",
      "2016-01-01 01:02:03", "2016-01-01 01:03:03", "2016-01-01 07:08:03", "2016-01-03 07:02:03",
      "2016-01-04 10:23:03", "2016-01-04 11:23:03", "2016-01-04 12:23:03", "2016-01-04 12:24:03",
      "2016-01-04 12:28:03", "2016-01-04 12:30:03", "2016-01-04 16:23:03", "2016-01-05 09:02:03",
      "2016-01-06 08:02:03", "2016-01-07 10:02:03", "2016-01-08 20:02:03", "2016-01-09 21:02:03",
      "2016-01-12 21:02:03", "2016-01-12 21:08:03", "2016-01-18 12:02:03");

  static List<Snapshot> resticSnapshots() {
    List<Snapshot> list = new ArrayList<>();
    for (int i = 0; i < RESTIC_TIMES.size(); i++) {
      list.add(new Snapshot(String.format("s%03d", i), at(RESTIC_TIMES.get(i), UTC)));
    }
    return list;
  }

  static Instant at(String local, ZoneId zone) {
    return LocalDateTime.parse(local.replace(' ', 'T')).atZone(zone).toInstant();
  }

  static Policy policy(int last, int hourly, int daily, int weekly, int monthly, int yearly, String within) {
    return new Policy(last, hourly, daily, weekly, monthly, yearly,
        within == null ? null : KeepWithin.parse(within));
  }

  /** Kept snapshots as "local time: reason, reason", newest first. */
  static List<String> kept(Decision d, ZoneId zone) {
    List<String> out = new ArrayList<>();
    for (Kept k : d.kept()) {
      out.add(LocalDateTime.ofInstant(k.snapshot().time(), zone).toString().replace('T', ' ')
          + ": " + String.join(", ", k.reasons()));
    }
    return out;
  }

  static Stream<Arguments> resticGoldenCases() {
    return Stream.of(
        Arguments.of("daily 10", policy(0, 0, 10, 0, 0, 0, null), List.of(
            "2016-01-18 12:02:03: daily", "2016-01-12 21:08:03: daily", "2016-01-09 21:02:03: daily",
            "2016-01-08 20:02:03: daily", "2016-01-07 10:02:03: daily", "2016-01-06 08:02:03: daily",
            "2016-01-05 09:02:03: daily", "2016-01-04 16:23:03: daily", "2016-01-03 07:02:03: daily",
            "2016-01-01 07:08:03: daily")),
        Arguments.of("daily 2, weekly 2, monthly 6", policy(0, 0, 2, 2, 6, 0, null), List.of(
            "2016-01-18 12:02:03: daily, weekly, monthly", "2016-01-12 21:08:03: daily, weekly",
            "2015-11-22 10:20:30: monthly", "2015-10-22 10:20:30: monthly",
            "2015-09-22 10:20:30: monthly", "2015-08-22 10:20:30: monthly",
            "2014-11-22 10:20:30: monthly")),
        Arguments.of("yearly 10", policy(0, 0, 0, 0, 0, 10, null), List.of(
            "2016-01-18 12:02:03: yearly", "2015-11-22 10:20:30: yearly",
            "2014-11-22 10:20:30: yearly", "2014-08-08 10:20:30: oldest yearly")),
        Arguments.of("daily 3, weekly 2, monthly all, yearly all", policy(0, 0, 3, 2, -1, -1, null), List.of(
            "2016-01-18 12:02:03: daily, weekly, monthly, yearly", "2016-01-12 21:08:03: daily, weekly",
            "2016-01-09 21:02:03: daily", "2015-11-22 10:20:30: monthly, yearly",
            "2015-10-22 10:20:30: monthly", "2015-09-22 10:20:30: monthly",
            "2015-08-22 10:20:30: monthly", "2014-11-22 10:20:30: monthly, yearly",
            "2014-10-22 10:20:30: monthly", "2014-09-22 10:20:30: monthly",
            "2014-08-22 10:20:30: monthly", "2014-08-08 10:20:30: oldest monthly, oldest yearly")),
        Arguments.of("within 1m14d", policy(0, 0, 0, 0, 0, 0, "1m14d"), List.of(
            "2016-01-18 12:02:03: within 1m14d", "2016-01-12 21:08:03: within 1m14d",
            "2016-01-12 21:02:03: within 1m14d", "2016-01-09 21:02:03: within 1m14d",
            "2016-01-08 20:02:03: within 1m14d", "2016-01-07 10:02:03: within 1m14d",
            "2016-01-06 08:02:03: within 1m14d", "2016-01-05 09:02:03: within 1m14d",
            "2016-01-04 16:23:03: within 1m14d", "2016-01-04 12:30:03: within 1m14d",
            "2016-01-04 12:28:03: within 1m14d", "2016-01-04 12:24:03: within 1m14d",
            "2016-01-04 12:23:03: within 1m14d", "2016-01-04 11:23:03: within 1m14d",
            "2016-01-04 10:23:03: within 1m14d", "2016-01-03 07:02:03: within 1m14d",
            "2016-01-01 07:08:03: within 1m14d", "2016-01-01 01:03:03: within 1m14d",
            "2016-01-01 01:02:03: within 1m14d")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resticGoldenCases")
  void keepsWhatResticKeepsForItsOwnCases(String name, Policy policy, List<String> expected) {
    Decision d = Retention.apply(resticSnapshots(), policy, UTC, NOW);
    assertEquals(expected, kept(d, UTC));
    assertEquals(RESTIC_TIMES.size(), d.kept().size() + d.removed().size());
  }

  @Test
  void keepLastKeepsTheNewestNAndAllKeepsEverything() {
    Decision d = Retention.apply(resticSnapshots(), policy(3, 0, 0, 0, 0, 0, null), UTC, NOW);
    assertEquals(List.of("2016-01-18 12:02:03: last", "2016-01-12 21:08:03: last",
        "2016-01-12 21:02:03: last"), kept(d, UTC));
    Decision all = Retention.apply(resticSnapshots(), policy(-1, 0, 0, 0, 0, 0, null), UTC, NOW);
    assertEquals(RESTIC_TIMES.size(), all.kept().size());
    assertEquals(List.of("last"), all.kept().get(all.kept().size() - 1).reasons(),
        "every snapshot is a bucket of its own for --keep-last");
  }

  @Test
  void hourlyKeepsTheNewestOfEachHour() {
    Decision d = Retention.apply(resticSnapshots(), policy(0, 5, 0, 0, 0, 0, null), UTC, NOW);
    assertEquals(List.of("2016-01-18 12:02:03: hourly", "2016-01-12 21:08:03: hourly",
        "2016-01-09 21:02:03: hourly", "2016-01-08 20:02:03: hourly", "2016-01-07 10:02:03: hourly"),
        kept(d, UTC));
  }

  @Test
  void theOldestSnapshotIsKeptWhileACountHasCountsLeft() {
    List<Snapshot> s = List.of(snap("a", "2024-05-01 10:00:00"), snap("b", "2024-05-01 11:00:00"),
        snap("c", "2024-05-02 09:00:00"));
    Decision d = Retention.apply(s, policy(0, 0, 5, 0, 0, 0, null), BERLIN, NOW);
    assertEquals(List.of("2024-05-02 09:00: daily", "2024-05-01 11:00: daily",
        "2024-05-01 10:00: oldest daily"), kept(d, BERLIN));
    // With no counts left, the oldest goes.
    Decision two = Retention.apply(s, policy(0, 0, 2, 0, 0, 0, null), BERLIN, NOW);
    assertEquals(List.of("a"), ids(two.removed()));
  }

  @Test
  void weeksAreIsoWeeksAcrossTheYearBoundary() {
    // 2020-12-31 (Thu) and 2021-01-03 (Sun) are both in ISO week 2020-W53; 2021-01-04 (Mon) is
    // 2021-W01; 2019-12-30 (Mon) is already 2020-W01.
    List<Snapshot> s = List.of(snap("a", "2019-12-29 12:00:00"), snap("b", "2019-12-30 12:00:00"),
        snap("c", "2020-01-05 12:00:00"), snap("d", "2020-12-31 12:00:00"),
        snap("e", "2021-01-03 12:00:00"), snap("f", "2021-01-04 12:00:00"));
    Decision d = Retention.apply(s, policy(0, 0, 0, 3, 0, 0, null), BERLIN, NOW);
    assertEquals(List.of("f", "e", "c"), ids(kept(d)));
    assertEquals(List.of("d", "b", "a"), ids(d.removed()));
  }

  @Test
  void monthsAndDaysAreCountedInTheGivenZone() {
    // 23:30 UTC on 31 March is already 1 April in Berlin (summer time, UTC+2).
    List<Snapshot> s = List.of(new Snapshot("a", Instant.parse("2024-03-31T21:30:00Z")),
        new Snapshot("b", Instant.parse("2024-03-31T22:30:00Z")),
        new Snapshot("c", Instant.parse("2024-04-10T10:00:00Z")));
    assertEquals(List.of("c", "a"), ids(kept(Retention.apply(s, policy(0, 0, 0, 0, 2, 0, null), BERLIN, NOW))));
    assertEquals(List.of("c", "b"), ids(kept(Retention.apply(s, policy(0, 0, 0, 0, 2, 0, null), UTC, NOW))));
  }

  @Test
  void hoursAcrossTheChangeToSummerTimeAreDistinctBuckets() {
    // 31 March 2024 in Berlin: 02:00 CET becomes 03:00 CEST. 00:59Z is 01:59 CET, 01:01Z is 03:01 CEST.
    List<Snapshot> s = List.of(new Snapshot("a", Instant.parse("2024-03-31T00:10:00Z")),
        new Snapshot("b", Instant.parse("2024-03-31T00:59:00Z")),
        new Snapshot("c", Instant.parse("2024-03-31T01:01:00Z")),
        new Snapshot("d", Instant.parse("2024-03-31T01:30:00Z")));
    Decision d = Retention.apply(s, policy(0, -1, 0, 0, 0, 0, null), BERLIN, NOW);
    assertEquals(List.of("2024-03-31 03:30: hourly", "2024-03-31 01:59: hourly",
        "2024-03-31 01:10: oldest hourly"), kept(d, BERLIN));
  }

  @Test
  void withinCountsBackFromTheNewestSnapshotOnTheCalendar() {
    // 30 days before 2024-03-30 12:00 in Berlin is 2024-02-29 12:00, local time.
    List<Snapshot> s = List.of(snap("a", "2024-02-29 12:00:00"), snap("b", "2024-02-29 12:00:01"),
        snap("c", "2024-03-30 12:00:00"));
    Decision d = Retention.apply(s, policy(0, 0, 0, 0, 0, 0, "30d"), BERLIN, NOW);
    assertEquals(List.of("c", "b"), ids(kept(d)), "strictly after the moment 30 days before");
    assertEquals(List.of("within 30d"), d.kept().get(0).reasons());

    // A month back from 31 March is "31 February": 2 March in a leap year, as Go's AddDate.
    assertEquals(at("2024-03-02 10:00:00", BERLIN),
        KeepWithin.parse("1m").before(at("2024-03-31 10:00:00", BERLIN), BERLIN));
    // Across the change to summer time the local time of day is kept (23 hours of real time).
    assertEquals(at("2024-03-30 10:00:00", BERLIN),
        KeepWithin.parse("1d").before(at("2024-03-31 10:00:00", BERLIN), BERLIN));
    // Hours are real hours: 36h before 10:00 on the day after the change is 21:00 two days before.
    assertEquals(at("2024-03-30 21:00:00", BERLIN),
        KeepWithin.parse("36h").before(at("2024-04-01 10:00:00", BERLIN), BERLIN));
    assertEquals(at("2022-10-01 10:00:00", BERLIN),
        KeepWithin.parse("1y6m").before(at("2024-04-01 10:00:00", BERLIN), BERLIN));
  }

  @Test
  void withinMeasuresFromTheNewestSnapshotNotInTheFuture() {
    List<Snapshot> s = List.of(snap("a", "2024-01-01 12:00:00"), snap("b", "2024-01-05 12:00:00"),
        snap("future", "2031-01-01 00:00:00"));
    Decision d = Retention.apply(s, policy(0, 0, 0, 0, 0, 0, "2d"), BERLIN, NOW);
    assertEquals(List.of("future", "b"), ids(kept(d)));
  }

  @Test
  void aSnapshotKeptForSeveralReasonsListsThemAll() {
    List<Snapshot> s = List.of(snap("a", "2024-06-01 08:00:00"), snap("b", "2024-06-02 08:00:00"));
    Decision d = Retention.apply(s, policy(1, 1, 1, 1, 1, 1, "1d"), BERLIN, NOW);
    assertEquals(List.of("within 1d", "last", "hourly", "daily", "weekly", "monthly", "yearly"),
        d.kept().get(0).reasons());
    assertEquals(List.of("a"), ids(d.removed()));
  }

  @Test
  void tiesInOneSecondKeepTheLaterIdAsTheNewer() {
    Instant t = Instant.parse("2024-06-01T08:00:00Z");
    List<Snapshot> s = List.of(new Snapshot("20240601T080000.000Z", t),
        new Snapshot("20240601T080000.001Z", t.plusMillis(1)),
        new Snapshot("same-time-b", t.plusMillis(1)), new Snapshot("same-time-a", t.plusMillis(1)));
    Decision d = Retention.apply(s, policy(0, 1, 0, 0, 0, 0, null), BERLIN, NOW);
    assertEquals(List.of("same-time-b"), ids(kept(d)));
    assertEquals(List.of("same-time-a", "20240601T080000.001Z", "20240601T080000.000Z"), ids(d.removed()));
    Decision last2 = Retention.apply(s, policy(2, 0, 0, 0, 0, 0, null), BERLIN, NOW);
    assertEquals(List.of("same-time-b", "same-time-a"), ids(kept(last2)));
  }

  @Test
  void theNewestIsAlwaysKept() {
    for (Policy p : List.of(policy(1, 0, 0, 0, 0, 0, null), policy(0, 0, 0, 0, 0, 1, null),
        policy(0, 0, 0, 0, 0, 0, "1h"))) {
      Decision d = Retention.apply(resticSnapshots(), p, BERLIN, NOW);
      assertEquals("2016-01-18T12:02:03Z", d.kept().get(0).snapshot().time().toString(), p.toString());
    }
  }

  @Test
  void anEmptyPolicyIsRefused() {
    assertTrue(policy(0, 0, 0, 0, 0, 0, null).isEmpty());
    assertThrows(IllegalArgumentException.class,
        () -> Retention.apply(resticSnapshots(), policy(0, 0, 0, 0, 0, 0, null), UTC, NOW));
    assertThrows(IllegalArgumentException.class, () -> policy(-2, 0, 0, 0, 0, 0, null));
  }

  @Test
  void namedSnapshotsAreForgottenExactlyButNeverTheNewest() {
    List<Snapshot> s = List.of(snap("a", "2024-01-01 12:00:00"), snap("b", "2024-01-02 12:00:00"),
        snap("c", "2024-01-03 12:00:00"));
    Decision d = Retention.named(s, Set.of("a"));
    assertEquals(List.of("c", "b"), ids(kept(d)));
    assertEquals(List.of("not named"), d.kept().get(0).reasons());
    assertEquals(List.of("a"), ids(d.removed()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Retention.named(s, Set.of("a", "c")));
    assertTrue(e.getMessage().contains("newest"), e.getMessage());
  }

  @Test
  void durationsParseAsResticWritesThem() {
    Map<String, String> good = new LinkedHashMap<>();
    good.put("36h", "36h");
    good.put("30d", "30d");
    good.put("1y6m", "1y6m");
    good.put("6m1y", "1y6m");
    good.put(" 2d12h ", "2d12h");
    good.put("1y2m3d4h", "1y2m3d4h");
    good.forEach((in, out) -> assertEquals(out, KeepWithin.parse(in).toString(), in));
    for (String bad : List.of("", "0d", "30", "d", "1w", "-1d", "1d1d", "1.5d", "30 d", "1y 6m", "h1")) {
      assertThrows(IllegalArgumentException.class, () -> KeepWithin.parse(bad), bad);
    }
  }

  static Snapshot snap(String id, String berlinLocal) {
    return new Snapshot(id, at(berlinLocal, BERLIN));
  }

  static List<Snapshot> kept(Decision d) {
    return d.kept().stream().map(Kept::snapshot).toList();
  }

  static List<String> ids(List<Snapshot> s) {
    return s.stream().map(Snapshot::id).toList();
  }
}
