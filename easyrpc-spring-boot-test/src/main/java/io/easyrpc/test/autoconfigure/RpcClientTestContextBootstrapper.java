package io.easyrpc.test.autoconfigure;

import org.springframework.boot.test.autoconfigure.TestSliceTestContextBootstrapper;
import org.springframework.test.context.TestContextBootstrapper;

/**
 * The {@link TestContextBootstrapper} of {@link RpcClientTest @RpcClientTest}: adds the
 * annotation's {@code properties} to the test's environment.
 */
class RpcClientTestContextBootstrapper extends TestSliceTestContextBootstrapper<RpcClientTest> {

}
