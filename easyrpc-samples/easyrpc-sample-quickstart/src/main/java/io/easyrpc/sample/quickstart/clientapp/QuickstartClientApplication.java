package io.easyrpc.sample.quickstart.clientapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The client side of the quickstart: its {@link RemoteInventory} proxy calls the server.
 */
@SpringBootApplication
public class QuickstartClientApplication {

}
