package io.easyrpc.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Imports the auto-configurations an application's {@code @RpcClient} proxies need:
 * Jackson, the easyrpc codec and the easyrpc client auto-configuration (listed in
 * {@code META-INF/spring/io.easyrpc.test.autoconfigure.AutoConfigureRpcClient.imports}).
 * Part of {@link RpcClientTest @RpcClientTest}; use it directly to add easyrpc clients to
 * another slice.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureRpcClient {

}
