// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Vm} from "forge-std/Vm.sol";

contract Slots {
    uint256 public x = 1;
    uint256 public y = 1;
    uint256 public z = 1;
    uint256 public w = 1;

    function write(uint256 v) external {
        x = v;
    }

    function writeAll(uint256 v) external {
        x = v;
        y = v;
        z = v;
        w = v;
    }
}

/// @notice Pins what `vm.lastCallGas()` reports under `forge test --isolate`, on which GasTest's figures rest:
/// `gasTotalUsed` is the receipt's `gasUsed` (intrinsic gas included, EIP-3529 refund already subtracted) and
/// `gasRefunded` is the refund actually applied, `min(refund counter, spent / 5)`. The figures below were
/// checked against anvil receipts of the same transactions (26,435 / 21,623 / 41,528 / 33,213 gas).
contract GasAccountingTest is Test {
    Slots internal s;

    function setUp() public {
        s = new Slots();
    }

    function test_Gas_LastCallGas_IsReceiptGas() public {
        s.write(2); // cold rewrite (each call is its own transaction): nonzero -> nonzero, no refund
        Vm.Gas memory rewrite = vm.lastCallGas();
        if (rewrite.gasTotalUsed < 21_000) return _notIsolated();
        s.write(0); // nonzero -> zero: same work, refund counter 4,800 (below the cap)
        Vm.Gas memory clear = vm.lastCallGas();
        assertEq(rewrite.gasRefunded, 0);
        assertEq(clear.gasRefunded, 4_800, "uncapped refund");
        // Same execution; calldata differs by one byte (nonzero 16 vs zero 4 gas): spent = receipt + refund.
        assertEq(clear.gasTotalUsed + 4_800, rewrite.gasTotalUsed - 12, "receipt = spent - refund");
        assertEq(rewrite.gasTotalUsed, 26_435, "anvil receipt");
        assertEq(clear.gasTotalUsed, 21_623, "anvil receipt");

        s.write(1);
        s.writeAll(2); // four cold rewrites
        Vm.Gas memory rewriteAll = vm.lastCallGas();
        s.writeAll(0); // four clears: refund counter 19,200, capped at spent / 5
        Vm.Gas memory clearAll = vm.lastCallGas();
        uint256 spent = clearAll.gasTotalUsed + uint256(int256(clearAll.gasRefunded));
        assertEq(spent, rewriteAll.gasTotalUsed - 12, "same work");
        assertEq(uint256(int256(clearAll.gasRefunded)), spent / 5, "refund reported is the capped one");
        assertEq(rewriteAll.gasTotalUsed, 41_528, "anvil receipt");
        assertEq(clearAll.gasTotalUsed, 33_213, "anvil receipt");
    }

    /// @dev Without `--isolate` (a plain `forge test`) the calls are frames of the test's own transaction: no
    ///      intrinsic gas, and `gasRefunded` is the frame's raw refund counter (no transaction, so no cap applied).
    ///      That is why GasTest's figures are only meaningful with `--isolate`, as `nx run contracts:test` runs them.
    function _notIsolated() internal {
        s.write(0);
        assertEq(vm.lastCallGas().gasRefunded, 4_800, "raw refund counter");
        s.write(1);
        s.writeAll(0);
        assertEq(vm.lastCallGas().gasRefunded, 4 * 4_800, "raw refund counter, uncapped");
    }
}
