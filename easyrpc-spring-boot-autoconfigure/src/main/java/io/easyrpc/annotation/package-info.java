/**
 * Annotations that make Spring beans remote services and interfaces remote clients.
 */
package io.easyrpc.annotation;
