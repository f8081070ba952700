// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {MockStETH} from "../../src/mocks/MockStETH.sol";
import {MockWstETH} from "../../src/mocks/MockWstETH.sol";
import {IStETH} from "../../src/interfaces/external/IStETH.sol";

/// @dev A contract wallet for Lido's ERC-1271 permit path: accepts exactly one digest.
contract Erc1271Wallet {
    bytes32 public accepted;

    function accept(bytes32 digest) external {
        accepted = digest;
    }

    function isValidSignature(bytes32 digest, bytes calldata) external view returns (bytes4) {
        return digest == accepted ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }
}

/// @notice The points where the mocks once departed from Lido's contracts (issue 21), each against what lido-dao
/// v2.0.0 (StETH.sol, StETHPermit.sol, Lido.sol; WstETH.sol on OpenZeppelin 3.4) does: the reason strings are
/// mainnet's, and so is the order in which the checks fail.
contract LidoFaithfulTest is Test {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event TransferShares(address indexed from, address indexed to, uint256 sharesValue);
    event Submitted(address indexed sender, uint256 amount, address referral);

    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    MockStETH internal stETH;
    MockWstETH internal wstETH;
    uint256 internal alicePk = 0xA11CE;
    address internal alice = vm.addr(alicePk);
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    function setUp() public {
        stETH = new MockStETH(address(0));
        wstETH = new MockWstETH(IStETH(address(stETH)));
        vm.deal(alice, 100 ether);
        vm.deal(bob, 100 ether);
        vm.prank(alice);
        stETH.submit{value: 10 ether}(address(0));
        stETH.rebase(0.333333333333333333 ether); // an uneven share rate
        vm.startPrank(alice);
        stETH.approve(address(wstETH), type(uint256).max);
        wstETH.wrap(5 ether);
        vm.stopPrank();
    }

    // ------------------------------------------------ 1. wstETH transferFrom spends even a max allowance

    function test_WstETH_TransferFromLowersAMaxAllowanceAndEmitsApproval() public {
        vm.prank(alice);
        wstETH.approve(bob, type(uint256).max);
        uint256 amount = 1 ether;
        vm.expectEmit(address(wstETH));
        emit Transfer(alice, carol, amount);
        vm.expectEmit(address(wstETH));
        emit Approval(alice, bob, type(uint256).max - amount);
        vm.prank(bob);
        assertTrue(wstETH.transferFrom(alice, carol, amount));
        assertEq(wstETH.allowance(alice, bob), type(uint256).max - amount, "OpenZeppelin 3.4 has no infinite allowance");
        assertEq(wstETH.balanceOf(carol), amount);
    }

    function testFuzz_WstETH_TransferFromSpendsExactly(uint256 approved, uint256 amount) public {
        uint256 balance = wstETH.balanceOf(alice);
        amount = bound(amount, 0, balance);
        approved = bound(approved, amount, type(uint256).max);
        vm.prank(alice);
        wstETH.approve(bob, approved);
        vm.recordLogs();
        vm.prank(bob);
        wstETH.transferFrom(alice, carol, amount);
        assertEq(wstETH.allowance(alice, bob), approved - amount);
        assertEq(vm.getRecordedLogs().length, 2, "Transfer then Approval, every time");
    }

    function test_StETH_KeepsItsInfiniteAllowance() public {
        vm.prank(alice);
        stETH.approve(bob, type(uint256).max);
        vm.recordLogs();
        vm.prank(bob);
        stETH.transferFrom(alice, carol, 1 ether);
        assertEq(stETH.allowance(alice, bob), type(uint256).max);
        assertEq(vm.getRecordedLogs().length, 2, "Transfer and TransferShares, no Approval");
    }

    // ------------------------------------------------ 2. increaseAllowance / decreaseAllowance on wstETH

    function test_WstETH_IncreaseAndDecreaseAllowance() public {
        vm.startPrank(alice);
        vm.expectEmit(address(wstETH));
        emit Approval(alice, bob, 3);
        wstETH.increaseAllowance(bob, 3);
        wstETH.increaseAllowance(bob, 4);
        assertEq(wstETH.allowance(alice, bob), 7);
        wstETH.decreaseAllowance(bob, 5);
        assertEq(wstETH.allowance(alice, bob), 2);
        vm.expectRevert(bytes("ERC20: decreased allowance below zero"));
        wstETH.decreaseAllowance(bob, 3);
        vm.expectRevert(bytes("SafeMath: addition overflow"));
        wstETH.increaseAllowance(bob, type(uint256).max);
        vm.expectRevert(bytes("ERC20: approve to the zero address"));
        wstETH.increaseAllowance(address(0), 1);
        vm.stopPrank();
    }

    function test_StETH_IncreaseAndDecreaseAllowanceStrings() public {
        vm.startPrank(alice);
        stETH.increaseAllowance(bob, 2);
        vm.expectRevert(bytes("ALLOWANCE_BELOW_ZERO"));
        stETH.decreaseAllowance(bob, 3);
        vm.expectRevert(bytes("MATH_ADD_OVERFLOW"));
        stETH.increaseAllowance(bob, type(uint256).max);
        vm.expectRevert(bytes("APPROVE_TO_ZERO_ADDR"));
        stETH.approve(address(0), 1);
        vm.stopPrank();
    }

    // ------------------------------------------------ 3. plain ether is staked (stETH) and staked + wrapped (wstETH)

    function test_StETH_PlainEtherIsSubmitted() public {
        uint256 shares = stETH.getSharesByPooledEth(2 ether);
        uint256 pooled = stETH.getTotalPooledEther();
        uint256 before = stETH.sharesOf(bob);
        uint256 ether_ = address(stETH).balance;
        vm.expectEmit(address(stETH));
        emit Submitted(bob, 2 ether, address(0));
        vm.prank(bob);
        (bool ok,) = address(stETH).call{value: 2 ether}("");
        assertTrue(ok);
        assertEq(stETH.sharesOf(bob) - before, shares);
        assertEq(stETH.getTotalPooledEther(), pooled + 2 ether);
        assertEq(address(stETH).balance, ether_ + 2 ether);
    }

    function test_StETH_FallbackRefusesDataAndZeroEther() public {
        vm.prank(bob);
        (bool ok, bytes memory data) = address(stETH).call{value: 1 ether}(hex"12345678");
        assertFalse(ok);
        assertEq(data, abi.encodeWithSignature("Error(string)", "NON_EMPTY_DATA"));
        (ok, data) = address(stETH).call(abi.encodeWithSignature("doesNotExist()"));
        assertEq(data, abi.encodeWithSignature("Error(string)", "NON_EMPTY_DATA"));
        vm.prank(bob);
        (ok, data) = address(stETH).call("");
        assertFalse(ok);
        assertEq(data, abi.encodeWithSignature("Error(string)", "ZERO_DEPOSIT"));
        vm.expectRevert(bytes("ZERO_DEPOSIT"));
        stETH.submit(address(0));
    }

    function test_WstETH_PlainEtherIsStakedAndWrapped() public {
        uint256 shares = stETH.getSharesByPooledEth(3 ether);
        uint256 held = stETH.sharesOf(address(wstETH));
        uint256 supply = wstETH.totalSupply();
        vm.expectEmit(address(stETH));
        emit Submitted(address(wstETH), 3 ether, address(0));
        vm.expectEmit(address(wstETH));
        emit Transfer(address(0), bob, shares);
        vm.prank(bob);
        (bool ok,) = address(wstETH).call{value: 3 ether}("");
        assertTrue(ok);
        assertEq(wstETH.balanceOf(bob), shares, "1 wstETH per share");
        assertEq(stETH.sharesOf(address(wstETH)) - held, shares, "the shares back the wstETH");
        assertEq(wstETH.totalSupply() - supply, shares);
        bytes memory data;
        vm.prank(bob);
        (ok, data) = address(wstETH).call("");
        assertFalse(ok);
        assertEq(data, abi.encodeWithSignature("Error(string)", "ZERO_DEPOSIT"), "stETH's reason, bubbled up");
    }

    // ------------------------------------------------ 4. wstETH checks the transfer before the allowance

    function test_WstETH_FailingTransferFromChecksBalanceAndRecipientFirst() public {
        uint256 balance = wstETH.balanceOf(alice);
        // No allowance at all: the balance and the recipient are still what fails first.
        vm.startPrank(bob);
        vm.expectRevert(bytes("ERC20: transfer amount exceeds balance"));
        wstETH.transferFrom(alice, carol, balance + 1);
        vm.expectRevert(bytes("ERC20: transfer to the zero address"));
        wstETH.transferFrom(alice, address(0), 1);
        vm.expectRevert(bytes("ERC20: transfer from the zero address"));
        wstETH.transferFrom(address(0), carol, 0);
        vm.expectRevert(bytes("ERC20: transfer amount exceeds allowance"));
        wstETH.transferFrom(alice, carol, balance);
        vm.stopPrank();
        vm.expectRevert(bytes("ERC20: transfer amount exceeds balance"));
        vm.prank(bob);
        wstETH.transfer(carol, 1);
    }

    function test_StETH_FailingTransferFromChecksAllowanceFirst() public {
        uint256 balance = stETH.balanceOf(alice);
        vm.startPrank(bob);
        vm.expectRevert(bytes("ALLOWANCE_EXCEEDED"));
        stETH.transferFrom(alice, carol, balance * 2);
        vm.expectRevert(bytes("ALLOWANCE_EXCEEDED"));
        stETH.transferFrom(alice, address(0), 1);
        vm.stopPrank();
        vm.prank(alice);
        stETH.approve(bob, type(uint256).max);
        vm.startPrank(bob);
        vm.expectRevert(bytes("BALANCE_EXCEEDED"));
        stETH.transferFrom(alice, carol, balance * 2);
        vm.expectRevert(bytes("TRANSFER_TO_ZERO_ADDR"));
        stETH.transferFrom(alice, address(0), 1);
        vm.expectRevert(bytes("TRANSFER_TO_STETH_CONTRACT"));
        stETH.transferFrom(alice, address(stETH), 1);
        vm.expectRevert(bytes("BALANCE_EXCEEDED"));
        stETH.transferShares(carol, 1);
        vm.stopPrank();
    }

    // ------------------------------------------------ 5. Lido's reason strings, and eip712Domain's shape

    function test_StETH_SafeMathStrings() public {
        vm.expectRevert(bytes("MATH_MUL_OVERFLOW"));
        stETH.getSharesByPooledEth(type(uint256).max);
        vm.expectRevert(bytes("MATH_MUL_OVERFLOW"));
        stETH.getPooledEthByShares(type(uint256).max / 2);
        assertEq(stETH.getSharesByPooledEth(0), 0);
        vm.expectRevert(bytes("MATH_MUL_OVERFLOW"));
        vm.prank(alice);
        stETH.transfer(bob, type(uint256).max);
    }

    function test_WstETH_WrapUnwrapStrings() public {
        vm.startPrank(bob);
        vm.expectRevert(bytes("wstETH: can't wrap zero stETH"));
        wstETH.wrap(0);
        vm.expectRevert(bytes("wstETH: zero amount unwrap not allowed"));
        wstETH.unwrap(0);
        vm.expectRevert(bytes("ERC20: burn amount exceeds balance"));
        wstETH.unwrap(1);
        // wrap mints first, then stETH's transferFrom refuses: its string reaches the caller unchanged.
        vm.expectRevert(bytes("ALLOWANCE_EXCEEDED"));
        wstETH.wrap(1 ether);
        stETH.approve(address(wstETH), type(uint256).max);
        vm.expectRevert(bytes("BALANCE_EXCEEDED"));
        wstETH.wrap(1 ether);
        vm.stopPrank();
    }

    function test_StETH_Eip712DomainHasLidosShape() public view {
        assertEq(MockStETH.eip712Domain.selector, bytes4(0x84b0196e), "the ERC-5267 selector");
        (bool ok, bytes memory data) = address(stETH).staticcall(abi.encodeWithSelector(0x84b0196e));
        assertTrue(ok);
        (string memory name_, string memory version, uint256 chainId, address verifying) =
            abi.decode(data, (string, string, uint256, address));
        assertEq(name_, "Liquid staked Ether 2.0");
        assertEq(version, "2");
        assertEq(chainId, block.chainid);
        assertEq(verifying, address(stETH));
        assertEq(data.length, 32 * 4 + 64 + 64, "two offsets, chainId, address, two short strings");
        assertEq(
            stETH.DOMAIN_SEPARATOR(),
            keccak256(
                abi.encode(DOMAIN_TYPEHASH, keccak256(bytes(name_)), keccak256("2"), block.chainid, address(stETH))
            )
        );
    }

    function test_WstETH_HasNoEip712DomainAndVersion1() public view {
        (bool ok,) = address(wstETH).staticcall(abi.encodeWithSelector(0x84b0196e));
        assertFalse(ok, "OpenZeppelin 3.4 predates ERC-5267");
        assertEq(
            wstETH.DOMAIN_SEPARATOR(),
            keccak256(
                abi.encode(
                    DOMAIN_TYPEHASH,
                    keccak256("Wrapped liquid staked Ether 2.0"),
                    keccak256("1"),
                    block.chainid,
                    address(wstETH)
                )
            )
        );
    }

    function _sign(bytes32 domain, address owner, address spender, uint256 value, uint256 nonce, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        return vm.sign(alicePk, keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
    }

    function test_StETH_PermitStrings() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _sign(stETH.DOMAIN_SEPARATOR(), alice, bob, 7, 0, deadline);
        vm.expectRevert(bytes("INVALID_SIGNATURE"));
        stETH.permit(alice, bob, 8, deadline, v, r, s); // another value: recovers someone else
        vm.expectRevert(bytes("ECDSA: invalid signature"));
        stETH.permit(alice, bob, 7, deadline, 30, r, s);
        vm.expectRevert(bytes("ECDSA: invalid signature 's' value"));
        stETH.permit(alice, bob, 7, deadline, v, r, bytes32(type(uint256).max));
        stETH.permit(alice, bob, 7, deadline, v, r, s);
        assertEq(stETH.allowance(alice, bob), 7);
        assertEq(stETH.nonces(alice), 1);
        vm.warp(deadline + 1);
        vm.expectRevert(bytes("DEADLINE_EXPIRED"));
        stETH.permit(alice, bob, 7, deadline, v, r, s);
    }

    function test_StETH_PermitByAContractWallet() public {
        Erc1271Wallet wallet = new Erc1271Wallet();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, address(wallet), bob, 9, 0, deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", stETH.DOMAIN_SEPARATOR(), structHash));
        vm.expectRevert(bytes("INVALID_SIGNATURE"));
        stETH.permit(address(wallet), bob, 9, deadline, 0, 0, 0);
        wallet.accept(digest);
        stETH.permit(address(wallet), bob, 9, deadline, 0, 0, 0);
        assertEq(stETH.allowance(address(wallet), bob), 9);
    }

    function test_WstETH_PermitStrings() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _sign(wstETH.DOMAIN_SEPARATOR(), alice, bob, 7, 0, deadline);
        vm.expectRevert(bytes("ERC20Permit: invalid signature"));
        wstETH.permit(alice, bob, 8, deadline, v, r, s);
        vm.expectRevert(bytes("ECDSA: invalid signature 'v' value"));
        wstETH.permit(alice, bob, 7, deadline, 29, r, s);
        vm.expectRevert(bytes("ECDSA: invalid signature 's' value"));
        wstETH.permit(alice, bob, 7, deadline, v, r, bytes32(type(uint256).max));
        wstETH.permit(alice, bob, 7, deadline, v, r, s);
        assertEq(wstETH.allowance(alice, bob), 7);
        assertEq(wstETH.nonces(alice), 1);
        vm.expectRevert(bytes("ERC20Permit: invalid signature")); // the nonce moved on
        wstETH.permit(alice, bob, 7, deadline, v, r, s);
        vm.warp(deadline + 1);
        vm.expectRevert(bytes("ERC20Permit: expired deadline"));
        wstETH.permit(alice, bob, 7, deadline, v, r, s);
    }
}
