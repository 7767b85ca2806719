package io.kyoto.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * HTTP header fields: an ordered, multi-valued map whose names compare case-insensitively (ASCII),
 * as RFC 9110 requires. Names and values are checked when added: a name must be a token and a value
 * must hold no CR, LF or NUL, so a header can never split a response.
 *
 * <p><b>Thread safety:</b> not thread safe; a request or response belongs to one task at a time.
 */
public final class Headers {
  private String[] names;
  private String[] values;
  private int size;

  /** Creates empty headers. */
  public Headers() {
    names = new String[8];
    values = new String[8];
  }

  /**
   * {@return headers holding the given name-value pairs, in order}
   *
   * @param namesAndValues name, value, name, value …
   * @throws IllegalArgumentException if the count is odd or a name or value is invalid
   */
  public static Headers of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("expected name-value pairs, got an odd count");
    }
    Headers headers = new Headers();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  /** {@return the number of fields (a name with two values counts twice)} */
  public int size() {
    return size;
  }

  /** {@return whether there are no fields} */
  public boolean isEmpty() {
    return size == 0;
  }

  /**
   * {@return the name of field {@code index}, as it was added}
   *
   * @param index 0 to {@link #size()} - 1
   */
  public String name(int index) {
    Objects.checkIndex(index, size);
    return names[index];
  }

  /**
   * {@return the value of field {@code index}}
   *
   * @param index 0 to {@link #size()} - 1
   */
  public String value(int index) {
    Objects.checkIndex(index, size);
    return values[index];
  }

  /**
   * {@return the first value of {@code name}, or null}
   *
   * @param name the field name, any case
   */
  public String get(String name) {
    for (int i = 0; i < size; i++) {
      if (names[i].equalsIgnoreCase(name)) return values[i];
    }
    return null;
  }

  /**
   * {@return every value of {@code name}, in order (empty if none)}
   *
   * @param name the field name, any case
   */
  public List<String> getAll(String name) {
    List<String> all = new ArrayList<>(2);
    for (int i = 0; i < size; i++) {
      if (names[i].equalsIgnoreCase(name)) all.add(values[i]);
    }
    return all;
  }

  /**
   * {@return whether a field named {@code name} is present}
   *
   * @param name the field name, any case
   */
  public boolean contains(String name) {
    return indexOf(name, 0) >= 0;
  }

  /**
   * {@return whether {@code name}'s comma-separated values hold {@code token}, compared
   * case-insensitively} For list fields such as {@code Connection: keep-alive, Upgrade}.
   *
   * @param name the field name
   * @param token the token to find
   */
  public boolean containsToken(String name, String token) {
    for (int i = 0; i < size; i++) {
      if (names[i].equalsIgnoreCase(name) && listContains(values[i], token)) return true;
    }
    return false;
  }

  static boolean listContains(String list, String token) {
    int n = list.length();
    int start = 0;
    while (start <= n) {
      int comma = list.indexOf(',', start);
      int end = comma < 0 ? n : comma;
      int s = start;
      int e = end;
      while (s < e && (list.charAt(s) == ' ' || list.charAt(s) == '\t')) s++;
      while (e > s && (list.charAt(e - 1) == ' ' || list.charAt(e - 1) == '\t')) e--;
      if (e - s == token.length() && list.regionMatches(true, s, token, 0, token.length())) {
        return true;
      }
      if (comma < 0) break;
      start = comma + 1;
    }
    return false;
  }

  /**
   * Adds a field, keeping existing fields of the same name.
   *
   * @param name a token
   * @param value the value; leading and trailing whitespace is kept as given
   * @return this
   * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF or NUL
   */
  public Headers add(String name, String value) {
    check(name, value);
    addUnchecked(name, value);
    return this;
  }

  /**
   * Replaces every field named {@code name} with one field.
   *
   * @param name a token
   * @param value the value
   * @return this
   * @throws IllegalArgumentException if the name or the value is invalid
   */
  public Headers set(String name, String value) {
    check(name, value);
    int i = indexOf(name, 0);
    if (i < 0) {
      addUnchecked(name, value);
      return this;
    }
    names[i] = name;
    values[i] = value;
    removeFrom(name, i + 1);
    return this;
  }

  /**
   * Adds a field only if none named {@code name} is present.
   *
   * @param name a token
   * @param value the value
   * @return this
   */
  public Headers setIfAbsent(String name, String value) {
    if (!contains(name)) add(name, value);
    return this;
  }

  /**
   * Removes every field named {@code name}.
   *
   * @param name the field name, any case
   * @return whether a field was removed
   */
  public boolean remove(String name) {
    return removeFrom(name, 0);
  }

  /**
   * Calls {@code action} with each name and value, in order.
   *
   * @param action the action
   */
  public void forEach(BiConsumer<? super String, ? super String> action) {
    for (int i = 0; i < size; i++) action.accept(names[i], values[i]);
  }

  /** {@return an independent copy} */
  public Headers copy() {
    Headers copy = new Headers();
    copy.names = Arrays.copyOf(names, Math.max(size, 8));
    copy.values = Arrays.copyOf(values, Math.max(size, 8));
    copy.size = size;
    return copy;
  }

  /** Removes every field. */
  public void clear() {
    Arrays.fill(names, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
  }

  private static void check(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (!Tokens.isToken(name)) {
      throw new IllegalArgumentException("invalid header name: \"" + name + "\"");
    }
    if (!Tokens.isFieldValue(value)) {
      throw new IllegalArgumentException(
          "invalid value for header " + name + ": it holds CR, LF or another control character");
    }
  }

  private void addUnchecked(String name, String value) {
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    names[size] = name;
    values[size] = value;
    size++;
  }

  private int indexOf(String name, int from) {
    for (int i = from; i < size; i++) {
      if (names[i].equalsIgnoreCase(name)) return i;
    }
    return -1;
  }

  private boolean removeFrom(String name, int from) {
    int w = from;
    for (int r = from; r < size; r++) {
      if (!names[r].equalsIgnoreCase(name)) {
        names[w] = names[r];
        values[w] = values[r];
        w++;
      }
    }
    boolean removed = w != size;
    Arrays.fill(names, w, size, null);
    Arrays.fill(values, w, size, null);
    size = w;
    return removed;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      if (i > 0) sb.append(", ");
      sb.append(names[i]).append(": ").append(values[i]);
    }
    return sb.append('}').toString();
  }
}
