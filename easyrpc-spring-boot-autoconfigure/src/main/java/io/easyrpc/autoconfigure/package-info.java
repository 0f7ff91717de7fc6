/**
 * Spring Boot auto-configuration of the easyrpc server, client and codec.
 */
package io.easyrpc.autoconfigure;
