package io.easyrpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of a client interface method whose value routes the call when the
 * channel balances by {@link io.easyrpc.client.LoadBalancing#HASH hash}: calls with equal
 * keys go to the same instance while it is there. The key is the argument's
 * {@code toString()}; a {@code null} argument routes the call round robin. At most one
 * parameter of a method may carry it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface RoutingKey {

}
