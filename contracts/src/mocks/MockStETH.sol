// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title MockStETH
/// @notice Reproduces Lido stETH's share arithmetic exactly (StETH.sol, Lido v2): balances are
/// shares * totalPooledEther / totalShares (floor), a transfer of `amount` moves
/// floor(amount * totalShares / totalPooledEther) shares, the allowance type(uint256).max is infinite,
/// and EIP-2612 permit. `submit` mints shares for ether like Lido; `rebase` moves totalPooledEther
/// up or down as an oracle report would. For tests and the devnet only.
contract MockStETH is EIP712 {
    uint256 internal constant INFINITE_ALLOWANCE = type(uint256).max;
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    string public constant name = "Liquid staked Ether 2.0";
    string public constant symbol = "stETH";
    uint8 public constant decimals = 18;

    uint256 internal _totalShares;
    uint256 internal _totalPooledEther;
    mapping(address => uint256) internal _shares;
    mapping(address => mapping(address => uint256)) internal _allowances;
    mapping(address => uint256) public nonces;
    address public immutable oracle;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event TransferShares(address indexed from, address indexed to, uint256 sharesValue);
    event Submitted(address indexed sender, uint256 amount, address referral);
    event Rebased(uint256 preTotalPooledEther, uint256 postTotalPooledEther, uint256 totalShares);

    error MockStETH_ZeroAmount();
    error MockStETH_InsufficientBalance(uint256 sharesBalance, uint256 sharesNeeded);
    error MockStETH_InsufficientAllowance(uint256 allowance, uint256 amount);
    error MockStETH_ZeroAddress();
    error MockStETH_SelfTransfer();
    error MockStETH_NotOracle(address caller);
    error MockStETH_RebaseToZero();
    error MockStETH_PermitExpired(uint256 deadline);
    error MockStETH_InvalidSignature();

    /// @param oracle_ the only account allowed to rebase (address(0): anyone, for tests).
    constructor(address oracle_) payable EIP712("Liquid staked Ether 2.0", "2") {
        oracle = oracle_;
        // Lido bootstraps the pool with shares held by 0xdead so totalShares never returns to zero.
        uint256 initial = msg.value == 0 ? 1 ether : msg.value;
        _totalShares = initial;
        _totalPooledEther = initial;
        _shares[address(0xdead)] = initial;
        emit Transfer(address(0), address(0xdead), initial);
        emit TransferShares(address(0), address(0xdead), initial);
    }

    // ---------------------------------------------------------------- Lido API

    function submit(address referral) external payable returns (uint256 sharesAmount) {
        if (msg.value == 0) revert MockStETH_ZeroAmount();
        sharesAmount = getSharesByPooledEth(msg.value);
        _mintShares(msg.sender, sharesAmount);
        _totalPooledEther += msg.value;
        emit Submitted(msg.sender, msg.value, referral);
        emit Transfer(address(0), msg.sender, getPooledEthByShares(sharesAmount));
        emit TransferShares(address(0), msg.sender, sharesAmount);
    }

    /// @notice Simulates an oracle report: totalPooledEther moves by `delta` wei (negative = slashing).
    function rebase(int256 delta) external {
        if (oracle != address(0) && msg.sender != oracle) revert MockStETH_NotOracle(msg.sender);
        uint256 pre = _totalPooledEther;
        uint256 post = delta >= 0 ? pre + uint256(delta) : pre - uint256(-delta);
        if (post == 0) revert MockStETH_RebaseToZero();
        _totalPooledEther = post;
        emit Rebased(pre, post, _totalShares);
    }

    function totalSupply() external view returns (uint256) {
        return _totalPooledEther;
    }

    function getTotalPooledEther() external view returns (uint256) {
        return _totalPooledEther;
    }

    function getTotalShares() external view returns (uint256) {
        return _totalShares;
    }

    function sharesOf(address account) external view returns (uint256) {
        return _shares[account];
    }

    function balanceOf(address account) external view returns (uint256) {
        return getPooledEthByShares(_shares[account]);
    }

    function getSharesByPooledEth(uint256 ethAmount) public view returns (uint256) {
        return ethAmount * _totalShares / _totalPooledEther;
    }

    function getPooledEthByShares(uint256 sharesAmount) public view returns (uint256) {
        return sharesAmount * _totalPooledEther / _totalShares;
    }

    function allowance(address owner, address spender) external view returns (uint256) {
        return _allowances[owner][spender];
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(msg.sender, spender, amount);
        return true;
    }

    function increaseAllowance(address spender, uint256 addedValue) external returns (bool) {
        _approve(msg.sender, spender, _allowances[msg.sender][spender] + addedValue);
        return true;
    }

    function decreaseAllowance(address spender, uint256 subtractedValue) external returns (bool) {
        uint256 current = _allowances[msg.sender][spender];
        if (current < subtractedValue) revert MockStETH_InsufficientAllowance(current, subtractedValue);
        _approve(msg.sender, spender, current - subtractedValue);
        return true;
    }

    function transfer(address recipient, uint256 amount) external returns (bool) {
        _transfer(msg.sender, recipient, amount);
        return true;
    }

    function transferFrom(address sender, address recipient, uint256 amount) public virtual returns (bool) {
        _spendAllowance(sender, msg.sender, amount);
        _transfer(sender, recipient, amount);
        return true;
    }

    function transferShares(address recipient, uint256 sharesAmount) external returns (uint256) {
        _transferShares(msg.sender, recipient, sharesAmount);
        uint256 tokensAmount = getPooledEthByShares(sharesAmount);
        _emitTransferEvents(msg.sender, recipient, tokensAmount, sharesAmount);
        return tokensAmount;
    }

    function transferSharesFrom(address sender, address recipient, uint256 sharesAmount) external returns (uint256) {
        uint256 tokensAmount = getPooledEthByShares(sharesAmount);
        _spendAllowance(sender, msg.sender, tokensAmount);
        _transferShares(sender, recipient, sharesAmount);
        _emitTransferEvents(sender, recipient, tokensAmount, sharesAmount);
        return tokensAmount;
    }

    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        if (block.timestamp > deadline) revert MockStETH_PermitExpired(deadline);
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonces[owner]++, deadline));
        address signer = ECDSA.recover(_hashTypedDataV4(structHash), v, r, s);
        if (signer != owner) revert MockStETH_InvalidSignature();
        _approve(owner, spender, value);
    }

    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---------------------------------------------------------------- internals

    function _transfer(address sender, address recipient, uint256 amount) internal {
        uint256 sharesToTransfer = getSharesByPooledEth(amount);
        _transferShares(sender, recipient, sharesToTransfer);
        _emitTransferEvents(sender, recipient, amount, sharesToTransfer);
    }

    function _transferShares(address sender, address recipient, uint256 sharesAmount) internal {
        if (sender == address(0) || recipient == address(0)) revert MockStETH_ZeroAddress();
        if (recipient == address(this)) revert MockStETH_SelfTransfer();
        uint256 senderShares = _shares[sender];
        if (sharesAmount > senderShares) revert MockStETH_InsufficientBalance(senderShares, sharesAmount);
        _shares[sender] = senderShares - sharesAmount;
        _shares[recipient] += sharesAmount;
    }

    function _mintShares(address recipient, uint256 sharesAmount) internal {
        if (recipient == address(0)) revert MockStETH_ZeroAddress();
        _totalShares += sharesAmount;
        _shares[recipient] += sharesAmount;
    }

    function _approve(address owner, address spender, uint256 amount) internal {
        if (owner == address(0) || spender == address(0)) revert MockStETH_ZeroAddress();
        _allowances[owner][spender] = amount;
        emit Approval(owner, spender, amount);
    }

    function _spendAllowance(address owner, address spender, uint256 amount) internal {
        uint256 current = _allowances[owner][spender];
        if (current != INFINITE_ALLOWANCE) {
            if (current < amount) revert MockStETH_InsufficientAllowance(current, amount);
            _approve(owner, spender, current - amount);
        }
    }

    function _emitTransferEvents(address from, address to, uint256 tokenAmount, uint256 sharesAmount) internal {
        emit Transfer(from, to, tokenAmount);
        emit TransferShares(from, to, sharesAmount);
    }
}
