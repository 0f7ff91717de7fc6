/**
 * Spring Cloud discovery for easyrpc: {@code discovery://service-id} target addresses
 * resolved through the application's registry, and the RPC endpoint published in the
 * metadata of the instance a server registers.
 */
@NullMarked
package io.easyrpc.autoconfigure.discovery;

import org.jspecify.annotations.NullMarked;
