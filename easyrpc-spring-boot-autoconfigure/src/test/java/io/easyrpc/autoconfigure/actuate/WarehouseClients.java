package io.easyrpc.autoconfigure.actuate;

import io.easyrpc.annotation.EnableRpcClients;

import org.springframework.context.annotation.Configuration;

/**
 * Registers the {@link WarehouseClient} proxy.
 */
@Configuration(proxyBeanMethods = false)
@EnableRpcClients(clients = WarehouseClient.class)
class WarehouseClients {

}
