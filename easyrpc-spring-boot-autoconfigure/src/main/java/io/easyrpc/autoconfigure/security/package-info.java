/**
 * Spring Security for easyrpc servers: bearer tokens of calls authenticated with the
 * application's {@code JwtDecoder} or {@code AuthenticationManager}, and security
 * exceptions mapped to statuses.
 */
package io.easyrpc.autoconfigure.security;
