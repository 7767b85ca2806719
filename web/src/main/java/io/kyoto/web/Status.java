package io.kyoto.web;

import java.util.Objects;

/**
 * An HTTP status code with its reason phrase (RFC 9110 section 15). The registered codes are shared
 * constants; {@link #of(int)} returns them, or a status with an empty reason for other codes.
 *
 * @param code the three-digit code, 100 to 999
 * @param reason the reason phrase sent on the status line (may be empty)
 */
public record Status(int code, String reason) {
  /** 100 Continue. */
  public static final Status CONTINUE = new Status(100, "Continue");

  /** 101 Switching Protocols. */
  public static final Status SWITCHING_PROTOCOLS = new Status(101, "Switching Protocols");

  /** 200 OK. */
  public static final Status OK = new Status(200, "OK");

  /** 201 Created. */
  public static final Status CREATED = new Status(201, "Created");

  /** 202 Accepted. */
  public static final Status ACCEPTED = new Status(202, "Accepted");

  /** 204 No Content. */
  public static final Status NO_CONTENT = new Status(204, "No Content");

  /** 206 Partial Content. */
  public static final Status PARTIAL_CONTENT = new Status(206, "Partial Content");

  /** 301 Moved Permanently. */
  public static final Status MOVED_PERMANENTLY = new Status(301, "Moved Permanently");

  /** 302 Found. */
  public static final Status FOUND = new Status(302, "Found");

  /** 303 See Other. */
  public static final Status SEE_OTHER = new Status(303, "See Other");

  /** 304 Not Modified. */
  public static final Status NOT_MODIFIED = new Status(304, "Not Modified");

  /** 307 Temporary Redirect. */
  public static final Status TEMPORARY_REDIRECT = new Status(307, "Temporary Redirect");

  /** 308 Permanent Redirect. */
  public static final Status PERMANENT_REDIRECT = new Status(308, "Permanent Redirect");

  /** 400 Bad Request. */
  public static final Status BAD_REQUEST = new Status(400, "Bad Request");

  /** 401 Unauthorized. */
  public static final Status UNAUTHORIZED = new Status(401, "Unauthorized");

  /** 403 Forbidden. */
  public static final Status FORBIDDEN = new Status(403, "Forbidden");

  /** 404 Not Found. */
  public static final Status NOT_FOUND = new Status(404, "Not Found");

  /** 405 Method Not Allowed. */
  public static final Status METHOD_NOT_ALLOWED = new Status(405, "Method Not Allowed");

  /** 406 Not Acceptable. */
  public static final Status NOT_ACCEPTABLE = new Status(406, "Not Acceptable");

  /** 408 Request Timeout. */
  public static final Status REQUEST_TIMEOUT = new Status(408, "Request Timeout");

  /** 409 Conflict. */
  public static final Status CONFLICT = new Status(409, "Conflict");

  /** 411 Length Required. */
  public static final Status LENGTH_REQUIRED = new Status(411, "Length Required");

  /** 412 Precondition Failed. */
  public static final Status PRECONDITION_FAILED = new Status(412, "Precondition Failed");

  /** 413 Content Too Large. */
  public static final Status CONTENT_TOO_LARGE = new Status(413, "Content Too Large");

  /** 414 URI Too Long. */
  public static final Status URI_TOO_LONG = new Status(414, "URI Too Long");

  /** 415 Unsupported Media Type. */
  public static final Status UNSUPPORTED_MEDIA_TYPE = new Status(415, "Unsupported Media Type");

  /** 416 Range Not Satisfiable. */
  public static final Status RANGE_NOT_SATISFIABLE = new Status(416, "Range Not Satisfiable");

  /** 417 Expectation Failed. */
  public static final Status EXPECTATION_FAILED = new Status(417, "Expectation Failed");

  /** 422 Unprocessable Content. */
  public static final Status UNPROCESSABLE_CONTENT = new Status(422, "Unprocessable Content");

  /** 426 Upgrade Required. */
  public static final Status UPGRADE_REQUIRED = new Status(426, "Upgrade Required");

  /** 429 Too Many Requests. */
  public static final Status TOO_MANY_REQUESTS = new Status(429, "Too Many Requests");

  /** 431 Request Header Fields Too Large. */
  public static final Status REQUEST_HEADER_FIELDS_TOO_LARGE =
      new Status(431, "Request Header Fields Too Large");

  /** 500 Internal Server Error. */
  public static final Status INTERNAL_SERVER_ERROR = new Status(500, "Internal Server Error");

  /** 501 Not Implemented. */
  public static final Status NOT_IMPLEMENTED = new Status(501, "Not Implemented");

  /** 502 Bad Gateway. */
  public static final Status BAD_GATEWAY = new Status(502, "Bad Gateway");

  /** 503 Service Unavailable. */
  public static final Status SERVICE_UNAVAILABLE = new Status(503, "Service Unavailable");

  /** 504 Gateway Timeout. */
  public static final Status GATEWAY_TIMEOUT = new Status(504, "Gateway Timeout");

  /** 505 HTTP Version Not Supported. */
  public static final Status HTTP_VERSION_NOT_SUPPORTED =
      new Status(505, "HTTP Version Not Supported");

  /**
   * Checks the code and the reason.
   *
   * @param code the code
   * @param reason the reason phrase
   * @throws IllegalArgumentException if {@code code} is not three digits or the reason holds CR, LF
   *     or other control characters
   */
  public Status {
    Objects.requireNonNull(reason, "reason");
    if (code < 100 || code > 999) {
      throw new IllegalArgumentException("HTTP status code must have three digits: " + code);
    }
    if (!Tokens.isFieldValue(reason)) {
      throw new IllegalArgumentException("invalid reason phrase: \"" + reason + "\"");
    }
  }

  /**
   * {@return the status for {@code code}: the shared constant when it is registered}
   *
   * @param code the code
   */
  public static Status of(int code) {
    return switch (code) {
      case 100 -> CONTINUE;
      case 101 -> SWITCHING_PROTOCOLS;
      case 200 -> OK;
      case 201 -> CREATED;
      case 202 -> ACCEPTED;
      case 204 -> NO_CONTENT;
      case 206 -> PARTIAL_CONTENT;
      case 301 -> MOVED_PERMANENTLY;
      case 302 -> FOUND;
      case 303 -> SEE_OTHER;
      case 304 -> NOT_MODIFIED;
      case 307 -> TEMPORARY_REDIRECT;
      case 308 -> PERMANENT_REDIRECT;
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 408 -> REQUEST_TIMEOUT;
      case 409 -> CONFLICT;
      case 411 -> LENGTH_REQUIRED;
      case 412 -> PRECONDITION_FAILED;
      case 413 -> CONTENT_TOO_LARGE;
      case 414 -> URI_TOO_LONG;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 416 -> RANGE_NOT_SATISFIABLE;
      case 417 -> EXPECTATION_FAILED;
      case 422 -> UNPROCESSABLE_CONTENT;
      case 426 -> UPGRADE_REQUIRED;
      case 429 -> TOO_MANY_REQUESTS;
      case 431 -> REQUEST_HEADER_FIELDS_TOO_LARGE;
      case 500 -> INTERNAL_SERVER_ERROR;
      case 501 -> NOT_IMPLEMENTED;
      case 502 -> BAD_GATEWAY;
      case 503 -> SERVICE_UNAVAILABLE;
      case 504 -> GATEWAY_TIMEOUT;
      case 505 -> HTTP_VERSION_NOT_SUPPORTED;
      default -> new Status(code, "");
    };
  }

  /** {@return whether this is 1xx} */
  public boolean isInformational() {
    return code < 200;
  }

  /** {@return whether this is 2xx} */
  public boolean isSuccess() {
    return code >= 200 && code < 300;
  }

  /** {@return whether this is 4xx} */
  public boolean isClientError() {
    return code >= 400 && code < 500;
  }

  /** {@return whether this is 5xx} */
  public boolean isServerError() {
    return code >= 500 && code < 600;
  }

  @Override
  public String toString() {
    return reason.isEmpty() ? Integer.toString(code) : code + " " + reason;
  }
}
