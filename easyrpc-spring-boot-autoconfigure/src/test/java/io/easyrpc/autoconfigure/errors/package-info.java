/**
 * Exceptions shared by the client and server of the end-to-end tests.
 */
package io.easyrpc.autoconfigure.errors;
