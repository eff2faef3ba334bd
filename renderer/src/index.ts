// The renderer arrives with the matrix app (issue 7); until then it only proves the layer compiles against shared/.
export { PRODUCT_NAME } from '../../shared/product';
