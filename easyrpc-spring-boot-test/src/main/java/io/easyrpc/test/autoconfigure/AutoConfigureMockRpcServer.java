package io.easyrpc.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Imports {@link MockRpcServerAutoConfiguration}: a {@link MockRpcServer} bean that every
 * {@code @RpcClient} proxy of the context calls (listed in
 * {@code META-INF/spring/io.easyrpc.test.autoconfigure.AutoConfigureMockRpcServer.imports}).
 * Part of {@link RpcClientTest @RpcClientTest}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureMockRpcServer {

}
