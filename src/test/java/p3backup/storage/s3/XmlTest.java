package p3backup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class XmlTest {
  private static final String LIST = """
      <?xml version="1.0" encoding="UTF-8"?>
      <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>
      <Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>
      <Contents><Key>p/a &amp; b&lt;c&gt;&#x1F600;&#233;</Key><LastModified>2026-11-26T10:00:00.000Z</LastModified>
      <ETag>&quot;abc&quot;</ETag><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>
      <Contents><Key>p/z</Key><Size>0</Size></Contents>
      <NextContinuationToken>tok+/=</NextContinuationToken></ListBucketResult>""";

  @Test
  void readsRecordsAndTheirFields() {
    List<String> contents = Xml.blocks(LIST, "Contents");
    assertEquals(2, contents.size());
    assertEquals("p/a & b<c>\uD83D\uDE00é", Xml.text(contents.get(0), "Key"));
    assertEquals("\"abc\"", Xml.text(contents.get(0), "ETag"));
    assertEquals("12", Xml.text(contents.get(0), "Size"));
    assertEquals("p/z", Xml.text(contents.get(1), "Key"));
    assertNull(Xml.text(contents.get(1), "ETag"));
    assertEquals("true", Xml.text(LIST, "IsTruncated"));
    assertEquals("tok+/=", Xml.text(LIST, "NextContinuationToken"));
  }

  @Test
  void aNameIsNotMatchedByALongerOne() {
    assertEquals("2", Xml.text(LIST, "KeyCount"));
    assertEquals(List.of("x"), Xml.blocks("<UploadId>no</UploadId><Upload>x</Upload>", "Upload"));
    assertEquals(List.of(""), Xml.blocks("<Prefix/>", "Prefix"));
  }

  @Test
  void escapesWhatItWrites() {
    String s = "a&b<c>\"d'\r\u0001";
    assertEquals("a&amp;b&lt;c&gt;&quot;d&apos;&#13;&#1;", Xml.escape(s));
    assertEquals(s, Xml.unescape(Xml.escape(s)));
  }
}
