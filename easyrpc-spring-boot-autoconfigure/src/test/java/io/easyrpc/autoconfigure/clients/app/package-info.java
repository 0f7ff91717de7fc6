/**
 * Client interfaces of a test application, in its auto-configuration package.
 */
package io.easyrpc.autoconfigure.clients.app;
