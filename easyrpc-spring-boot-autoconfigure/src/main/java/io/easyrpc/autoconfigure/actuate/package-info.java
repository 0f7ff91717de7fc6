/**
 * Actuator support: the {@code easyrpc} endpoint, the health indicator, meters and
 * observations.
 */
package io.easyrpc.autoconfigure.actuate;
