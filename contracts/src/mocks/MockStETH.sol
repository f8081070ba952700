// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev The ERC-1271 check Lido's SignatureUtils makes for a permit signed by a contract.
interface IERC1271Like {
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4);
}

/// @title MockStETH
/// @notice Reproduces Lido's stETH (lido-dao v2.0.0: StETH.sol, StETHPermit.sol, Lido.sol's submit and fallback)
/// where a caller can see it: balances are shares * totalPooledEther / totalShares (floor), a transfer of `amount`
/// moves floor(amount * totalShares / totalPooledEther) shares, the allowance type(uint256).max is infinite, EIP-2612
/// permit (ERC-1271 signers too), plain ether sent to the contract is staked, and every failure reverts with Lido's
/// own reason string in Lido's order (`BALANCE_EXCEEDED`, `ALLOWANCE_EXCEEDED`, Aragon SafeMath's `MATH_*`, …).
/// `rebase` (mock only) moves totalPooledEther up or down as an oracle report would; it alone uses custom errors.
/// Not reproduced (see contracts/README.md): the protocol/staking pause, the stake limit, withdrawals, fees and
/// the EIP712StETH helper contract. For tests and the devnet only.
contract MockStETH {
    uint256 internal constant INFINITE_ALLOWANCE = type(uint256).max;
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes4 internal constant ERC1271_MAGIC_VALUE = 0x1626ba7e;
    uint256 internal constant MAX_S = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    string public constant name = "Liquid staked Ether 2.0";
    string public constant symbol = "stETH";
    uint8 public constant decimals = 18;
    string internal constant VERSION = "2";

    uint256 internal _totalShares;
    uint256 internal _totalPooledEther;
    mapping(address => uint256) internal _shares;
    mapping(address => mapping(address => uint256)) internal _allowances;
    mapping(address => uint256) public nonces;
    address public immutable oracle;
    uint256 internal immutable _cachedChainId;
    bytes32 internal immutable _cachedDomainSeparator;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event TransferShares(address indexed from, address indexed to, uint256 sharesValue);
    event Submitted(address indexed sender, uint256 amount, address referral);
    event Rebased(uint256 preTotalPooledEther, uint256 postTotalPooledEther, uint256 totalShares);

    error MockStETH_NotOracle(address caller);
    error MockStETH_RebaseToZero();

    /// @param oracle_ the only account allowed to rebase (address(0): anyone, for tests).
    constructor(address oracle_) payable {
        oracle = oracle_;
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _buildDomainSeparator();
        // Lido bootstraps the pool with shares held by 0xdead so totalShares never returns to zero.
        uint256 initial = msg.value == 0 ? 1 ether : msg.value;
        _totalShares = initial;
        _totalPooledEther = initial;
        _shares[address(0xdead)] = initial;
        emit Transfer(address(0), address(0xdead), initial);
        emit TransferShares(address(0), address(0xdead), initial);
    }

    // ---------------------------------------------------------------- Lido API

    /// @notice Lido's fallback: ether sent with empty calldata is staked for the sender (referral 0).
    receive() external payable {
        _submit(address(0));
    }

    /// @notice Lido's fallback answers every unknown call (with or without ether) with `NON_EMPTY_DATA`.
    fallback() external payable {
        revert("NON_EMPTY_DATA");
    }

    function submit(address referral) external payable returns (uint256) {
        return _submit(referral);
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
        return _mulDiv(ethAmount, _totalShares, _totalPooledEther);
    }

    function getPooledEthByShares(uint256 sharesAmount) public view returns (uint256) {
        return _mulDiv(sharesAmount, _totalPooledEther, _totalShares);
    }

    function allowance(address owner, address spender) external view returns (uint256) {
        return _allowances[owner][spender];
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(msg.sender, spender, amount);
        return true;
    }

    function increaseAllowance(address spender, uint256 addedValue) external returns (bool) {
        _approve(msg.sender, spender, _add(_allowances[msg.sender][spender], addedValue));
        return true;
    }

    function decreaseAllowance(address spender, uint256 subtractedValue) external returns (bool) {
        uint256 current = _allowances[msg.sender][spender];
        require(current >= subtractedValue, "ALLOWANCE_BELOW_ZERO");
        _approve(msg.sender, spender, current - subtractedValue);
        return true;
    }

    function transfer(address recipient, uint256 amount) external returns (bool) {
        _transfer(msg.sender, recipient, amount);
        return true;
    }

    /// @notice Lido spends the allowance before it looks at the balance or the recipient.
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

    /// @notice StETHPermit.permit: the nonce is used before the signature is checked (a failure reverts both).
    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        require(block.timestamp <= deadline, "DEADLINE_EXPIRED");
        uint256 nonce = nonces[owner];
        nonces[owner] = _add(nonce, 1);
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", DOMAIN_SEPARATOR(), structHash));
        require(_isValidSignature(owner, digest, v, r, s), "INVALID_SIGNATURE");
        _approve(owner, spender, value);
    }

    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return block.chainid == _cachedChainId ? _cachedDomainSeparator : _buildDomainSeparator();
    }

    /// @notice Lido's shape (StETHPermit via EIP712StETH), not ERC-5267's: four fields under the same selector.
    function eip712Domain()
        external
        view
        returns (string memory name_, string memory version, uint256 chainId, address verifyingContract)
    {
        return (name, VERSION, block.chainid, address(this));
    }

    // ---------------------------------------------------------------- internals

    /// @dev Lido._submit without the staking pause and stake limit (never set on the mock).
    function _submit(address referral) internal returns (uint256 sharesAmount) {
        require(msg.value != 0, "ZERO_DEPOSIT");
        sharesAmount = getSharesByPooledEth(msg.value);
        _mintShares(msg.sender, sharesAmount);
        _totalPooledEther = _add(_totalPooledEther, msg.value);
        emit Submitted(msg.sender, msg.value, referral);
        _emitTransferEvents(address(0), msg.sender, getPooledEthByShares(sharesAmount), sharesAmount);
    }

    function _transfer(address sender, address recipient, uint256 amount) internal {
        uint256 sharesToTransfer = getSharesByPooledEth(amount);
        _transferShares(sender, recipient, sharesToTransfer);
        _emitTransferEvents(sender, recipient, amount, sharesToTransfer);
    }

    function _transferShares(address sender, address recipient, uint256 sharesAmount) internal {
        require(sender != address(0), "TRANSFER_FROM_ZERO_ADDR");
        require(recipient != address(0), "TRANSFER_TO_ZERO_ADDR");
        require(recipient != address(this), "TRANSFER_TO_STETH_CONTRACT");
        uint256 senderShares = _shares[sender];
        require(sharesAmount <= senderShares, "BALANCE_EXCEEDED");
        unchecked {
            // Lido's SafeMath add cannot fail here: every balance is part of totalShares.
            _shares[sender] = senderShares - sharesAmount;
            _shares[recipient] += sharesAmount;
        }
    }

    function _mintShares(address recipient, uint256 sharesAmount) internal {
        require(recipient != address(0), "MINT_TO_ZERO_ADDR");
        _totalShares = _add(_totalShares, sharesAmount);
        unchecked {
            _shares[recipient] += sharesAmount; // bounded by totalShares, just checked
        }
    }

    function _approve(address owner, address spender, uint256 amount) internal {
        require(owner != address(0), "APPROVE_FROM_ZERO_ADDR");
        require(spender != address(0), "APPROVE_TO_ZERO_ADDR");
        _allowances[owner][spender] = amount;
        emit Approval(owner, spender, amount);
    }

    function _spendAllowance(address owner, address spender, uint256 amount) internal {
        uint256 current = _allowances[owner][spender];
        if (current != INFINITE_ALLOWANCE) {
            require(current >= amount, "ALLOWANCE_EXCEEDED");
            _approve(owner, spender, current - amount);
        }
    }

    function _emitTransferEvents(address from, address to, uint256 tokenAmount, uint256 sharesAmount) internal {
        emit Transfer(from, to, tokenAmount);
        emit TransferShares(from, to, sharesAmount);
    }

    function _buildDomainSeparator() internal view returns (bytes32) {
        return keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256(bytes(name)), keccak256(bytes(VERSION)), block.chainid, address(this))
        );
    }

    /// @dev Lido's SignatureUtils: ERC-1271 for a contract owner, else Lido's ECDSA.recover (s in the lower half,
    /// a zero signer rejected; v is not checked, ecrecover returns zero for a bad one).
    function _isValidSignature(address signer, bytes32 digest, uint8 v, bytes32 r, bytes32 s)
        internal
        view
        returns (bool)
    {
        if (signer.code.length > 0) {
            (bool ok, bytes memory ret) =
                signer.staticcall(abi.encodeCall(IERC1271Like.isValidSignature, (digest, abi.encodePacked(r, s, v))));
            return ok && ret.length == 32 && bytes32(ret) == bytes32(ERC1271_MAGIC_VALUE);
        }
        require(uint256(s) <= MAX_S, "ECDSA: invalid signature 's' value");
        address recovered = ecrecover(digest, v, r, s);
        require(recovered != address(0), "ECDSA: invalid signature");
        return recovered == signer;
    }

    // Aragon's SafeMath (lido-dao 0.4.24), with its reason strings: `a.mul(b).div(d)` in one step.
    function _mulDiv(uint256 a, uint256 b, uint256 d) internal pure returns (uint256) {
        unchecked {
            uint256 c = a * b;
            if (a != 0 && c / a != b) revert("MATH_MUL_OVERFLOW");
            if (d == 0) revert("MATH_DIV_ZERO");
            return c / d;
        }
    }

    function _add(uint256 a, uint256 b) internal pure returns (uint256 c) {
        unchecked {
            c = a + b;
        }
        require(c >= a, "MATH_ADD_OVERFLOW");
    }
}
