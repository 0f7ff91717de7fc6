/**
 * The engine's implementation: public only so the engine's own packages and the Spring
 * Boot auto-configuration can reach it. Nothing here is API; it changes without notice.
 */
package io.easyrpc.internal;
