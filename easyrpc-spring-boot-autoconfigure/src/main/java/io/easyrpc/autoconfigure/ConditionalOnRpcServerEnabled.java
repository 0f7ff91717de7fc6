package io.easyrpc.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when the easyrpc server is enabled: {@code easyrpc.server.enabled=true}, or the
 * property is absent and the application has at least one
 * {@link io.easyrpc.annotation.RpcService @RpcService} bean or gateway route
 * ({@code easyrpc.gateway.routes}).
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnRpcServerEnabledCondition.class)
public @interface ConditionalOnRpcServerEnabled {

}
