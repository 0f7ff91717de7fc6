/**
 * Client interfaces outside the auto-configuration packages of the test application.
 */
package io.easyrpc.autoconfigure.clients.external;
