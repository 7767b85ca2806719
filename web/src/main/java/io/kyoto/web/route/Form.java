package io.kyoto.web.route;

import io.kyoto.web.internal.UriDecoding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoded name-value pairs of an {@code application/x-www-form-urlencoded} body or a query string,
 * in order, names possibly repeated.
 *
 * @param names the decoded names, in order
 * @param values the decoded values, parallel to {@code names}
 */
public record Form(List<String> names, List<String> values) {
  /**
   * Copies the lists.
   *
   * @param names the names
   * @param values the values, same size
   */
  public Form {
    names = List.copyOf(names);
    values = List.copyOf(values);
    if (names.size() != values.size()) throw new IllegalArgumentException("size mismatch");
  }

  /**
   * {@return the pairs in {@code encoded}} {@code +} decodes to a space.
   *
   * @param encoded {@code a=1&b=x+y}, or null for none
   * @throws IllegalArgumentException if a percent escape is malformed or does not decode as UTF-8
   */
  public static Form parse(String encoded) {
    List<String> names = new ArrayList<>();
    List<String> values = new ArrayList<>();
    if (encoded != null && !encoded.isEmpty()) {
      for (String pair : encoded.split("&", -1)) {
        if (pair.isEmpty()) continue;
        int eq = pair.indexOf('=');
        names.add(decode(eq < 0 ? pair : pair.substring(0, eq)));
        values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return new Form(names, values);
  }

  private static String decode(String s) {
    return UriDecoding.percentDecode(s, true);
  }

  /**
   * {@return the first value of {@code name}, or null}
   *
   * @param name the name
   */
  public String get(String name) {
    int i = names.indexOf(name);
    return i < 0 ? null : values.get(i);
  }

  /**
   * {@return every value of {@code name}, in order}
   *
   * @param name the name
   */
  public List<String> getAll(String name) {
    List<String> all = new ArrayList<>(2);
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equals(name)) all.add(values.get(i));
    }
    return all;
  }

  /** {@return the pairs as a map from name to first value, in order} */
  public Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) map.putIfAbsent(names.get(i), values.get(i));
    return Collections.unmodifiableMap(map);
  }
}
